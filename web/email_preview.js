/* The confirmation e-mail as an editable preview (issue 16): subject and text can be
   changed before download, and the .txt and .eml are built here from the edited text,
   so nothing edited goes back to the server. The .ics is the server's: it holds the
   date, time and place, which the text edit does not change. app.js calls
   window.OverstagEmailPreview.render(email, label) for each e-mail it shows. */
(function () {
  'use strict';

  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text) node.textContent = text;
    return node;
  }

  // RFC 2047 for a subject with accents, so every mail program shows it right
  function encodedWord(text) {
    if (/^[\x20-\x7e]*$/.test(text)) return text;
    const bytes = new TextEncoder().encode(text);
    let binary = '';
    bytes.forEach((b) => { binary += String.fromCharCode(b); });
    return '=?utf-8?b?' + btoa(binary) + '?=';
  }

  function base64Lines(text) {
    const bytes = new TextEncoder().encode(text);
    let binary = '';
    bytes.forEach((b) => { binary += String.fromCharCode(b); });
    return btoa(binary).replace(/.{76}/g, '$&\r\n');
  }

  // A draft e-mail (X-Unsent opens it as a draft in Outlook) with the text as edited
  // and the calendar invitation attached when there is one.
  function eml(subject, body, ics) {
    const head = [
      'Subject: ' + encodedWord(subject.replace(/[\r\n]+/g, ' ')),
      'Date: ' + new Date().toUTCString(),
      'X-Unsent: 1',
      'MIME-Version: 1.0',
    ];
    const text = [
      'Content-Type: text/plain; charset="utf-8"',
      'Content-Transfer-Encoding: base64',
      '',
      base64Lines(body),
    ];
    if (!ics) return head.concat(text).join('\r\n') + '\r\n';
    const boundary = 'overstag-' + Math.random().toString(36).slice(2);
    return head.concat([
      'Content-Type: multipart/mixed; boundary="' + boundary + '"', '',
      '--' + boundary, ...text,
      '--' + boundary,
      'Content-Type: text/calendar; charset="utf-8"',
      'Content-Transfer-Encoding: base64',
      'Content-Disposition: attachment; filename="interview.ics"', '',
      base64Lines(ics),
      '--' + boundary + '--', '',
    ]).join('\r\n');
  }

  function download(link, name, type, data) {
    link.download = name;
    link.href = '#';
    link.addEventListener('click', () => {
      // a fresh object URL per click, from what the fields hold now
      link.href = URL.createObjectURL(new Blob([data()], { type }));
      setTimeout(() => URL.revokeObjectURL(link.href), 10000);
    });
  }

  function render(email, label) {
    const wrap = el('details', 'email-preview');
    wrap.appendChild(el('summary', '', label('email_preview')));
    const subjectLabel = el('label', 'email-preview-label', label('email_subject'));
    const subject = el('input', 'email-preview-subject');
    subject.type = 'text';
    subject.value = email.subject;
    subjectLabel.appendChild(subject);
    const bodyLabel = el('label', 'email-preview-label', label('email_body'));
    const body = el('textarea', 'email-preview-body');
    body.rows = 14;
    body.value = email.body;
    bodyLabel.appendChild(body);
    wrap.append(subjectLabel, bodyLabel);

    const files = el('div', 'downloads');
    files.setAttribute('role', 'group');
    files.setAttribute('aria-label', label('downloads'));
    const txt = el('a', 'download', label('download_txt'));
    download(txt, email.txt_filename || 'interview.txt', 'text/plain;charset=utf-8',
      () => subject.value + '\n\n' + body.value);
    const mail = el('a', 'download', label('download_eml'));
    download(mail, email.eml_filename || 'interview.eml', 'message/rfc822',
      () => eml(subject.value, body.value, email.ics));
    files.append(txt, mail);
    if (email.ics) {
      const ics = el('a', 'download', label('download_ics'));
      download(ics, email.ics_filename || 'interview.ics', 'text/calendar;charset=utf-8', () => email.ics);
      files.appendChild(ics);
    }
    if (typeof email.interview_id === 'number') {
      // the follow-up tasks, from the server, owner-checked there
      const tasks = el('a', 'download ics', label('download_tasks_ics'));
      tasks.href = 'interviews/' + encodeURIComponent(String(email.interview_id)) + '/tasks.ics';
      files.appendChild(tasks);
    }
    const box = el('div', 'email-box');
    box.append(wrap, files);
    return box;
  }

  window.OverstagEmailPreview = { render };
})();
