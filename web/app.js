/* Overstag web chat — a dependency-free client for a Rasa REST channel at ./webhook.
   The server issues the conversation ids and keeps the history; this page only
   remembers which of the user's conversations was open last. */
(function () {
  'use strict';

  const OPEN_KEY = 'overstag.open';
  const COMPACT_KEY = 'overstag.compact';
  // written by earlier versions of the page; the server keeps the history now
  const OLD_KEYS = ['overstag.sender', 'overstag.transcript', 'overstag.pushedAfter'];
  const POLL_MS = 20000;
  const ENDPOINT = 'webhook';
  const TIMEOUT_MS = 60000;
  // the page's labels (content/page.yml), put into the page by the server
  const LABELS = readLabels();

  const el = {
    scroller: document.getElementById('scroller'),
    welcome: document.getElementById('welcome'),
    messages: document.getElementById('messages'),
    form: document.getElementById('composer'),
    input: document.getElementById('input'),
    send: document.getElementById('send'),
    reset: document.getElementById('new-conversation'),
    history: document.getElementById('history'),
    account: document.getElementById('account'),
    signedIn: document.getElementById('signed-in'),
    erase: document.getElementById('erase-data'),
    signOut: document.getElementById('sign-out'),
    compact: document.getElementById('compact'),
  };

  // sender: the open conversation's id (issued by the server); epoch: bumped when
  // another conversation opens, so late replies are dropped; after: the newest
  // message's timestamp, for the reminders poll.
  const state = {
    sender: '', transcript: [], busy: false, epoch: 0, after: 0, conversations: [],
    lang: document.documentElement.lang === 'nl' ? 'nl' : 'en',
  };

  function readLabels() {
    try {
      const data = JSON.parse(document.getElementById('labels').textContent);
      return data && typeof data === 'object' ? data : {};
    } catch (e) {
      return {};
    }
  }

  function label(key, lang) {
    const entry = LABELS[key];
    return (entry && entry[lang || state.lang]) || key;
  }

  // The page's own texts follow the conversation's language: the server names it in
  // the answer's Content-Language and in the session (the user's chosen language).
  function applyLanguage(lang) {
    if ((lang !== 'en' && lang !== 'nl') || lang === state.lang) return;
    state.lang = lang;
    document.documentElement.lang = lang;
    document.querySelectorAll('[data-label]').forEach((node) => { node.textContent = label(node.dataset.label); });
    document.querySelectorAll('[data-label-aria]').forEach((node) => {
      node.setAttribute('aria-label', label(node.dataset.labelAria));
    });
    document.querySelectorAll('[data-label-placeholder]').forEach((node) => {
      node.setAttribute('placeholder', label(node.dataset.labelPlaceholder));
    });
    document.querySelectorAll('[data-label-title]').forEach((node) => {
      node.setAttribute('title', label(node.dataset.labelTitle));
    });
    document.querySelectorAll('[data-label-download]').forEach((node) => {
      node.setAttribute('download', label(node.dataset.labelDownload));
    });
    document.querySelectorAll('summary.tip-title').forEach((node) => { node.textContent = label('tip'); });
  }

  function both(key) {
    return label(key, 'en') + ' · ' + label(key, 'nl');
  }

  /* ---------- storage ---------- */

  function storageGet(key) {
    try { return window.localStorage.getItem(key); } catch (e) { return null; }
  }

  function storageSet(key, value) {
    try { window.localStorage.setItem(key, value); } catch (e) { /* private mode / quota */ }
  }

  function storageRemove(key) {
    try { window.localStorage.removeItem(key); } catch (e) { /* ignore */ }
  }

  function newId() {
    const c = window.crypto;
    if (c && typeof c.randomUUID === 'function') return c.randomUUID();
    if (c && typeof c.getRandomValues === 'function') {
      const b = c.getRandomValues(new Uint8Array(16));
      b[6] = (b[6] & 0x0f) | 0x40;
      b[8] = (b[8] & 0x3f) | 0x80;
      const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
      return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join('-');
    }
    return 'web-' + Date.now().toString(36) + '-' + Math.random().toString(36).slice(2);
  }

  function isEntry(e) {
    return Boolean(e) && (e.role === 'user' || e.role === 'bot') && typeof e.text === 'string';
  }

  function isEmail(e) {
    return Boolean(e) && typeof e.subject === 'string' && typeof e.body === 'string' && typeof e.eml === 'string';
  }

  /* ---------- text rendering (never innerHTML) ---------- */

  function h(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // One line: **bold** becomes <strong>.
  function renderInline(line) {
    const frag = document.createDocumentFragment();
    line.split(/\*\*(.+?)\*\*/).forEach((part, j) => {
      if (!part) return;
      frag.appendChild(j % 2 === 1 ? h('strong', '', part) : document.createTextNode(part));
    });
    return frag;
  }

  const TIP = /^\s*Tip:\s*/;

  // A "Tip:" line folds away on a phone's small screen and opens on a tap.
  function tipEl(line) {
    const details = h('details', 'tip');
    details.appendChild(h('summary', 'tip-title', label('tip')));
    details.appendChild(h('span', 'tip-text')).appendChild(renderInline(line.replace(TIP, '')));
    return details;
  }

  // Plain text -> DOM: newlines become <br>, **bold** becomes <strong>, tips fold.
  function renderRichText(text) {
    const frag = document.createDocumentFragment();
    let afterBlock = true;
    text.replace(/\r\n?/g, '\n').split('\n').forEach((line) => {
      if (TIP.test(line)) { frag.appendChild(tipEl(line)); afterBlock = true; return; }
      if (!afterBlock) frag.appendChild(document.createElement('br'));
      frag.appendChild(renderInline(line));
      afterBlock = false;
    });
    return frag;
  }

  // A marked message (MARKS_SCHEMA) line by line: a sayable line gets its own Copy
  // button, a concession's title is kept apart from its detail for compact mode.
  function renderMarked(text, marks) {
    const frag = document.createDocumentFragment();
    text.replace(/\r\n?/g, '\n').split('\n').forEach((line) => {
      if (TIP.test(line)) { frag.appendChild(tipEl(line)); return; }
      const plain = plainText(line);
      const title = marks.titles.find((t) => line.indexOf('**' + t + '**') >= 0);
      const say = marks.say.find((s) => plain.indexOf(s) >= 0);
      const row = h('div', 'line');
      if (title) {
        const at = line.indexOf('**' + title + '**');
        row.classList.add('title-line');
        row.appendChild(renderInline(line.slice(0, at + title.length + 4)));
        const detail = h('span', 'detail');
        detail.appendChild(renderInline(line.slice(at + title.length + 4)));
        row.appendChild(detail);
        if (say) detail.appendChild(copyButton(say));
      } else {
        row.appendChild(renderInline(line));
        if (say) { row.classList.add('say'); row.appendChild(copyButton(say)); }
      }
      frag.appendChild(row);
    });
    return frag;
  }

  function plainText(text) {
    return text.replace(/\*\*(.+?)\*\*/g, '$1');
  }

  /* ---------- message elements ---------- */

  function messageEl(entry, index) {
    const node = h('div', 'msg ' + entry.role);
    node.dataset.index = String(index);
    if (entry.text) {
      const bubble = h('div', 'bubble');
      if (entry.role === 'bot' && entry.marks) {
        node.classList.add('marked');
        bubble.appendChild(renderMarked(entry.text, entry.marks));
      } else {
        bubble.appendChild(renderRichText(entry.text));
      }
      node.appendChild(bubble);
    }
    // Copy only where there is something to say or send: sayables and the e-mail
    if (entry.role === 'bot' && entry.text && isEmail(entry.email)) node.appendChild(copyButton(entry.text));
    if (entry.role === 'bot' && isEmail(entry.email)) node.appendChild(emailEl(entry.email));
    if (entry.role === 'bot' && entry.progress) node.appendChild(chartEl(entry.progress));
    if (entry.role === 'bot' && entry.buttons && entry.buttons.length) {
      node.appendChild(choicesEl(entry, index));
    }
    return node;
  }

  // The rubric items over the user's sessions, drawn here as SVG (no chart library).
  const SVG = 'http://www.w3.org/2000/svg';
  function svg(tag, attrs) {
    const node = document.createElementNS(SVG, tag);
    Object.keys(attrs).forEach((k) => node.setAttribute(k, String(attrs[k])));
    return node;
  }

  function chartEl(progress) {
    const wrap = h('figure', 'chart');
    const width = 320, height = 120, pad = 16;
    const count = progress.sessions.length;
    const x = (i) => pad + (count < 2 ? 0 : (i * (width - 2 * pad)) / (count - 1));
    const y = (v) => height - pad - (v * (height - 2 * pad)) / 2;
    const plot = svg('svg', { viewBox: '0 0 ' + width + ' ' + height, role: 'img', class: 'chart-plot' });
    const title = svg('title', {});
    title.textContent = progress.sessions.map((s) => s.date + ' ' + s.label).join(', ');
    plot.appendChild(title);
    [0, 1, 2].forEach((v) => plot.appendChild(svg('line', { x1: pad, x2: width - pad, y1: y(v), y2: y(v), class: 'chart-grid' })));
    const legend = h('figcaption', 'chart-legend');
    progress.items.forEach((item, n) => {
      const points = progress.sessions
        .map((s, i) => (typeof s.scores[item.id] === 'number' ? x(i) + ',' + y(s.scores[item.id]) : null))
        .filter(Boolean);
      if (!points.length) return;
      const series = 'chart-series-' + n;
      plot.appendChild(svg('polyline', { points: points.join(' '), class: 'chart-line ' + series, 'data-item': item.id }));
      const key = h('span', 'chart-key ' + series, item.label);
      legend.appendChild(key);
    });
    wrap.appendChild(plot);
    wrap.appendChild(legend);
    return wrap;
  }

  function choicesEl(entry, index) {
    const wrap = h('div', 'choices');
    wrap.setAttribute('role', 'group');
    wrap.setAttribute('aria-label', label('suggested_replies'));
    entry.buttons.forEach((b, pos) => {
      const btn = h('button', 'choice', b.title);
      btn.type = 'button';
      btn.disabled = Boolean(entry.used);
      if (entry.used && entry.chosen === pos) btn.classList.add('chosen');
      btn.addEventListener('click', () => onChoice(index, pos));
      wrap.appendChild(btn);
    });
    return wrap;
  }

  function copyButton(text) {
    const btn = h('button', 'copy', label('copy'));
    btn.type = 'button';
    btn.title = label('copy_title');
    btn.addEventListener('click', async () => {
      const ok = await copyText(plainText(text));
      btn.focus();
      btn.textContent = ok ? label('copied') : label('copy_failed');
      btn.classList.toggle('done', ok);
      clearTimeout(btn.resetTimer);
      btn.resetTimer = setTimeout(() => {
        btn.textContent = label('copy');
        btn.classList.remove('done');
      }, 1600);
    });
    return btn;
  }

  // Hook for web/email_preview.js (issue 16): when loaded it draws the editable
  // preview with its own downloads; without it, the plain download buttons.
  function emailEl(email) {
    const preview = window.OverstagEmailPreview;
    return preview ? preview.render(email, label) : downloadsEl(email);
  }

  // The confirmation e-mail as a text file and as a draft .eml that mail programs open.
  function downloadsEl(email) {
    const wrap = h('div', 'downloads');
    wrap.setAttribute('role', 'group');
    wrap.setAttribute('aria-label', label('downloads'));
    [
      { label: label('download_txt'), name: email.txt_filename || 'interview.txt', type: 'text/plain;charset=utf-8',
        data: email.subject + '\n\n' + email.body },
      { label: label('download_eml'), name: email.eml_filename || 'interview.eml', type: 'message/rfc822', data: email.eml },
    ].forEach((file) => {
      const link = h('a', 'download', file.label);
      link.download = file.name;
      link.href = '#';
      link.addEventListener('click', () => {
        // a fresh object URL per click; nothing leaves the browser
        link.href = URL.createObjectURL(new Blob([file.data], { type: file.type }));
        setTimeout(() => URL.revokeObjectURL(link.href), 10000);
      });
      wrap.appendChild(link);
    });
    if (typeof email.interview_id === 'number') {
      const ics = h('a', 'download ics', label('download_tasks_ics'));
      ics.href = 'interviews/' + encodeURIComponent(String(email.interview_id)) + '/tasks.ics';
      wrap.appendChild(ics);
    }
    return wrap;
  }

  async function copyText(text) {
    try {
      if (navigator.clipboard && window.isSecureContext) {
        await navigator.clipboard.writeText(text);
        return true;
      }
    } catch (e) { /* fall through to the legacy path */ }
    return legacyCopy(text);
  }

  function legacyCopy(text) {
    const ta = h('textarea', 'offscreen');
    ta.value = text;
    ta.setAttribute('readonly', '');
    document.body.appendChild(ta);
    ta.select();
    let ok = false;
    try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
    ta.remove();
    return ok;
  }

  /* ---------- DOM updates ---------- */

  function appendToList(node) {
    const typing = el.messages.querySelector('.typing');
    el.messages.insertBefore(node, typing);
    updateWelcome();
    scrollToBottom();
  }

  function updateWelcome() {
    el.welcome.hidden = el.messages.childElementCount > 0;
  }

  function scrollToBottom() {
    window.requestAnimationFrame(() => { el.scroller.scrollTop = el.scroller.scrollHeight; });
  }

  // A long answer is read from its start: when the first reply does not fit above
  // the composer, the page shows its top instead of its last line.
  function showStartOf(node) {
    window.requestAnimationFrame(() => {
      if (node.getBoundingClientRect().top < el.scroller.getBoundingClientRect().top) {
        node.scrollIntoView({ block: 'start' });
      }
    });
  }

  function renderAll() {
    el.messages.textContent = '';
    state.transcript.forEach((entry, i) => el.messages.appendChild(messageEl(entry, i)));
    updateWelcome();
    scrollToBottom();
  }

  function addEntry(entry) {
    state.transcript.push(entry);
    appendToList(messageEl(entry, state.transcript.length - 1));
  }

  function removeLastEntry() {
    const index = state.transcript.length - 1;
    if (index < 0) return;
    state.transcript.pop();
    const node = el.messages.querySelector('.msg[data-index="' + index + '"]');
    if (node) node.remove();
    updateWelcome();
  }

  function setChoicesUsed(index, pos, used) {
    const entry = state.transcript[index];
    if (!entry) return;
    entry.used = used;
    if (used) entry.chosen = pos; else delete entry.chosen;
    const node = el.messages.querySelector('.msg[data-index="' + index + '"]');
    if (!node) return;
    node.querySelectorAll('.choice').forEach((btn, i) => {
      btn.disabled = used;
      btn.classList.toggle('chosen', used && i === pos);
    });
  }

  function setBusy(busy) {
    state.busy = busy;
    el.send.disabled = busy;
    el.messages.setAttribute('aria-busy', String(busy));
    const typing = el.messages.querySelector('.typing');
    if (busy && !typing) appendToList(typingEl());
    if (!busy && typing) typing.remove();
  }

  function typingEl() {
    const node = h('div', 'typing');
    node.appendChild(h('span', 'sr-only', label('typing')));
    const dots = h('span', 'dots');
    dots.setAttribute('aria-hidden', 'true');
    for (let i = 0; i < 3; i += 1) dots.appendChild(h('span', 'dot', '.'));
    node.appendChild(dots);
    return node;
  }

  function clearError() {
    el.messages.querySelectorAll('.msg.error').forEach((n) => n.remove());
    updateWelcome();
  }

  // reply: the server's own explanation, already in the user's language
  function showError(pending, reply) {
    const node = h('div', 'msg error');
    if (reply) {
      node.appendChild(h('p', 'error-text', reply));
    } else {
      node.appendChild(h('p', 'error-text', label('no_answer', 'en')));
      const nl = h('p', 'error-text', label('no_answer', 'nl'));
      nl.lang = 'nl';
      node.appendChild(nl);
    }
    const retry = h('button', 'retry', both('retry'));
    retry.type = 'button';
    retry.addEventListener('click', () => {
      if (!pending.choice && el.input.value === pending.message) setInput('');
      send(pending.message, pending.display, pending.choice, pending.id);
    });
    node.appendChild(retry);
    appendToList(node);
  }

  /* ---------- payloads: the JSON shapes described in overstag/payloads.py ---------- */

  // EMAIL_SCHEMA: the `custom` part of the bot message that carries the e-mail
  function readEmail(custom) {
    const p = custom && custom.overstag_email;
    if (!p || typeof p.subject !== 'string' || typeof p.body !== 'string' || typeof p.eml !== 'string') {
      return null;
    }
    return {
      subject: p.subject, body: p.body, eml: p.eml, txt_filename: p.txt_filename,
      eml_filename: p.eml_filename, interview_id: p.interview_id,
      ics: p.ics, ics_filename: p.ics_filename,
    };
  }

  // MARKS_SCHEMA: which sentences of a message are to be said (Copy) and which are titles
  function readMarks(custom) {
    const p = custom && custom.overstag_marks;
    if (!p || !Array.isArray(p.say) || !Array.isArray(p.titles)) return null;
    const strings = (list) => list.filter((x) => typeof x === 'string' && x.trim());
    return { say: strings(p.say), titles: strings(p.titles) };
  }

  // PROGRESS_SCHEMA: the rehearsal scores over sessions, for the chart
  function readProgress(custom) {
    const p = custom && custom.overstag_progress;
    if (!p || !Array.isArray(p.items) || !Array.isArray(p.sessions)) return null;
    const items = p.items.filter((i) => i && typeof i.id === 'string' && typeof i.label === 'string');
    const sessions = p.sessions.filter((s) => s && s.scores && typeof s.scores === 'object');
    return { items, sessions: sessions.map((s) => ({ date: String(s.date), label: String(s.label), scores: s.scores })) };
  }

  // the answer of conversations/<id>: the history, user messages included
  function readHistory(data) {
    if (!data || !Array.isArray(data.messages)) return [];
    const entries = [];
    data.messages.forEach((m) => {
      if (!m || typeof m !== 'object') return;
      if (typeof m.timestamp === 'number' && m.timestamp > state.after) state.after = m.timestamp;
      if (m.role === 'user' && typeof m.text === 'string') entries.push({ role: 'user', text: m.text });
      else if (m.role === 'bot') { const entry = toEntry(m); if (entry) entries.push(entry); }
    });
    const merged = mergeEmails(entries);
    // only the buttons after the last user message can still be used
    let last = -1;
    merged.forEach((e, i) => { if (e.role === 'user') last = i; });
    merged.forEach((e, i) => { if (e.buttons && i < last) e.used = true; });
    return merged.filter(isEntry);
  }

  // PUSHED_SCHEMA: the answer of updates?sender=...&after=...
  function readPushed(data) {
    if (!data || !Array.isArray(data.messages)) return null;
    return data.messages
      .filter((m) => m && typeof m === 'object')
      .map((m) => ({ text: m.text, buttons: m.buttons, timestamp: m.timestamp }));
  }

  /* ---------- protocol ---------- */

  function toEntry(m) {
    if (!m || typeof m !== 'object') return null;
    const email = readEmail(m.custom);
    if (email) return { role: 'bot', text: '', email };
    const progress = readProgress(m.custom);
    const marks = readMarks(m.custom);
    const texts = [m.text, m.custom && m.custom.text].filter((t) => typeof t === 'string' && t.trim());
    if (!texts.length && marks) return { role: 'bot', text: '', marks };
    const buttons = (Array.isArray(m.buttons) ? m.buttons : [])
      .filter((b) => b && (b.title || b.payload))
      .map((b) => ({ title: String(b.title || b.payload), payload: String(b.payload || b.title) }));
    if (!texts.length && !buttons.length) return progress ? { role: 'bot', text: '', progress } : null;
    const entry = { role: 'bot', text: texts.join('\n\n') };
    if (progress) entry.progress = progress;
    if (marks) entry.marks = marks;
    if (buttons.length) Object.assign(entry, { buttons, used: false });
    return entry;
  }

  // The e-mail's download links belong under the e-mail text itself, which is shown
  // with its blank lines so that copying it gives a ready e-mail.
  function mergeEmails(replies) {
    const merged = [];
    replies.forEach((r) => {
      const last = merged[merged.length - 1];
      if (r.email && !r.text && last && last.text && !last.email) {
        last.text = r.email.subject + '\n\n' + r.email.body.trim();
        last.email = r.email;
      }
      else if (r.progress && !r.text && last && last.text && !last.progress) last.progress = r.progress;
      else if (r.marks && !r.text) { if (last && last.text && !last.marks) last.marks = r.marks; }
      else merged.push(r);
    });
    return merged;
  }

  /* ---------- messages the server sends on its own (reminders) ---------- */

  // A reminder that arrives while the page is in the background shows as a
  // notification (when the user allowed them); an open page shows it in the chat.
  function notify(entry) {
    if (!document.hidden || !entry.text || !('Notification' in window)) return;
    if (window.Notification.permission !== 'granted') return;
    try {
      new window.Notification(label('reminder_title'), { body: plainText(entry.text), tag: 'overstag-reminder', lang: state.lang });
    } catch (e) { /* some browsers only notify from a service worker */ }
  }

  function askToNotify() {
    if (!('Notification' in window) || window.Notification.permission !== 'default') return;
    try { window.Notification.requestPermission(); } catch (e) { /* old callback-only API */ }
  }

  async function pollPushed() {
    if (state.busy || !state.sender) return;
    const after = state.after;
    const sender = state.sender;
    try {
      const url = 'updates?sender=' + encodeURIComponent(sender) + '&after=' + encodeURIComponent(String(after));
      const res = await fetch(url, { headers: { Accept: 'application/json' } });
      if (!res.ok) return;
      const pushed = readPushed(await res.json());
      if (sender !== state.sender || !pushed) return;
      let latest = after;
      pushed.forEach((m) => {
        const entry = toEntry(m);
        if (entry) { addEntry(entry); notify(entry); }
        if (typeof m.timestamp === 'number' && m.timestamp > latest) latest = m.timestamp;
      });
      state.after = latest;
    } catch (e) { /* offline for a moment: the next poll catches up */ }
  }

  // messageId: the idempotency key; a retry sends the same one, so the server
  // answers it from what it stored instead of storing the message twice
  async function postMessage(message, messageId) {
    const ctrl = typeof AbortController === 'function' ? new AbortController() : null;
    const timer = ctrl ? setTimeout(() => ctrl.abort(), TIMEOUT_MS) : 0;
    try {
      const res = await fetch(ENDPOINT, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ sender: state.sender, message, message_id: messageId }),
        signal: ctrl ? ctrl.signal : undefined,
      });
      if (!res.ok) {
        const failure = new Error('HTTP ' + res.status);
        failure.status = res.status;
        try {
          const body = await res.json();
          if (body && body.reason === 'action_server_unavailable') failure.reply = String(body.error || '');
        } catch (e) { /* not JSON: the generic message */ }
        throw failure;
      }
      applyLanguage(res.headers.get('Content-Language'));
      const data = await res.json();
      const replies = Array.isArray(data) ? mergeEmails(data.map(toEntry).filter(Boolean)) : [];
      if (!replies.length) throw new Error('Empty reply');
      return replies;
    } finally {
      clearTimeout(timer);
    }
  }

  // message: what Rasa receives; display: what the user bubble shows;
  // choice: {index, pos} when sent from a response button.
  async function send(message, display, choice, messageId) {
    const id = messageId || newId();
    if (state.busy || !message.trim() || !state.sender) return;
    clearError();
    if (choice) setChoicesUsed(choice.index, choice.pos, true);
    addEntry({ role: 'user', text: display });
    setBusy(true);
    const epoch = state.epoch;
    try {
      const replies = await postMessage(message, id);
      if (epoch !== state.epoch) return;
      setBusy(false);
      const first = el.messages.childElementCount;
      replies.forEach(addEntry);
      if (el.messages.children[first]) showStartOf(el.messages.children[first]);
      // the first objection gives the conversation its topic in the list
      const open = state.conversations.find((c) => c.conversation_id === state.sender);
      if (!open || !open.topic) refreshSession().catch(() => {});
    } catch (err) {
      if (epoch !== state.epoch) return;
      setBusy(false);
      removeLastEntry();
      if (choice) setChoicesUsed(choice.index, choice.pos, false);
      else if (!el.input.value) setInput(message);
      if (err.status === 404 || err.status === 401) {
        // erased in another tab, or signed out: never write into someone else's
        await recover(err.status);
        if (err.status === 404) showError({ message, display, choice, id }, label('conversation_gone'));
        return;
      }
      showError({ message, display, choice, id }, err.reply);
    }
  }

  /* ---------- event handlers ---------- */

  function setInput(value) {
    el.input.value = value;
    autoGrow();
  }

  function autoGrow() {
    const ta = el.input;
    ta.style.height = 'auto';
    const max = parseFloat(window.getComputedStyle(ta).maxHeight) || 160;
    ta.style.height = Math.min(ta.scrollHeight, max) + 'px';
    ta.style.overflowY = ta.scrollHeight > max ? 'auto' : 'hidden';
  }

  function onSubmit(event) {
    event.preventDefault();
    const text = el.input.value.trim();
    if (!text || state.busy) return;
    setInput('');
    send(text, text);
    askToNotify();
    el.input.focus();
  }

  function onKeyDown(event) {
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return;
    event.preventDefault();
    el.form.requestSubmit ? el.form.requestSubmit() : onSubmit(event);
  }

  function onChoice(index, pos) {
    const entry = state.transcript[index];
    if (!entry || entry.used || state.busy) return;
    const button = entry.buttons[pos];
    send(button.payload, button.title, { index, pos });
  }

  function onExample(event) {
    const text = event.currentTarget.textContent.trim();
    send(text, text);
  }

  /* ---------- the user's conversations ---------- */

  async function api(path, options) {
    const res = await fetch(path, Object.assign({ headers: { Accept: 'application/json' } }, options || {}));
    if (res.status === 401) { window.location.assign('login'); throw new Error('signed out'); }
    if (!res.ok) { const failure = new Error('HTTP ' + res.status); failure.status = res.status; throw failure; }
    applyLanguage(res.headers.get('Content-Language'));
    return res.json();
  }

  function formatDate(iso) {
    const d = new Date(iso);
    if (isNaN(d.getTime())) return '';
    return d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  }

  function topicOf(c) {
    const lang = document.documentElement.lang === 'nl' ? 'nl' : 'en';
    const topic = c.topic_label ? (c.topic_label[lang] || c.topic) : label('untitled');
    return c.rehearsal ? label('rehearsal') + ': ' + topic : topic;
  }

  function renderHistory() {
    el.history.textContent = '';
    if (!state.conversations.length) {
      el.history.appendChild(h('li', 'history-empty', label('history_empty')));
      return;
    }
    state.conversations.forEach((c) => {
      const item = h('li', 'history-item');
      const btn = h('button', 'history-open');
      btn.type = 'button';
      btn.dataset.conversation = c.conversation_id;
      btn.appendChild(h('span', 'history-topic', topicOf(c)));
      btn.appendChild(h('span', 'history-date', formatDate(c.updated_at || c.created_at)));
      if (c.conversation_id === state.sender) {
        btn.setAttribute('aria-current', 'true');
        btn.appendChild(h('span', 'history-current', label('current')));
      }
      btn.addEventListener('click', () => { el.account.open = false; openConversation(c.conversation_id); });
      item.appendChild(btn);
      el.history.appendChild(item);
    });
  }

  async function refreshSession() {
    const data = await api('session');
    state.conversations = Array.isArray(data.conversations) ? data.conversations : [];
    const user = data.user || {};
    applyLanguage(user.language);
    if (user.signed_in && (user.name || user.email)) {
      el.signedIn.textContent = label('signed_in_as') + ' ' + (user.name || user.email);
      el.signedIn.hidden = false;
    }
    el.signOut.hidden = !data.can_sign_out;
    renderHistory();
    return data;
  }

  async function openConversation(id) {
    state.epoch += 1;
    const epoch = state.epoch;
    state.sender = id;
    state.after = 0;
    state.transcript = [];
    storageSet(OPEN_KEY, id);
    setBusy(false);
    renderAll();
    renderHistory();
    try {
      const data = await api('conversations/' + encodeURIComponent(id));
      if (epoch !== state.epoch) return;
      state.transcript = readHistory(data);
      renderAll();
    } catch (e) {
      if (epoch === state.epoch && e.status === 404) await newConversation();
    }
  }

  async function newConversation() {
    state.epoch += 1;
    const epoch = state.epoch;
    state.transcript = [];
    state.after = 0;
    setBusy(false);
    renderAll();
    const data = await api('conversations', { method: 'POST' });
    if (epoch !== state.epoch) return;
    state.sender = data.conversation_id;
    storageSet(OPEN_KEY, state.sender);
    await refreshSession();
    el.input.focus();
  }

  async function recover() {
    try { await newConversation(); } catch (e) { /* the next message tries again */ }
  }

  async function eraseAll() {
    if (!window.confirm(label('erase_confirm'))) return;
    try {
      await api('/api/v1/me', { method: 'DELETE' });
    } catch (e) {
      window.alert(label('erase_failed'));
      return;
    }
    el.account.open = false;
    await newConversation();
    addEntry({ role: 'bot', text: label('erased') });
  }

  async function signOut() {
    try { await fetch('logout', { method: 'POST' }); } finally { window.location.assign('./'); }
  }

  async function start() {
    OLD_KEYS.forEach(storageRemove);
    try {
      await refreshSession();
      const wanted = storageGet(OPEN_KEY);
      const known = state.conversations.map((c) => c.conversation_id);
      if (wanted && known.indexOf(wanted) >= 0) await openConversation(wanted);
      else if (known.length) await openConversation(known[0]);
      else await newConversation();
    } catch (e) {
      appendToList(h('div', 'msg error', label('session_failed')));
    }
    pollPushed();
  }

  // Compact: only the line to say and the concession titles, remembered here.
  function setCompact(on) {
    document.body.classList.toggle('compact', on);
    el.compact.setAttribute('aria-pressed', String(on));
    storageSet(COMPACT_KEY, on ? '1' : '0');
  }

  function init() {
    setCompact(storageGet(COMPACT_KEY) === '1');
    el.compact.addEventListener('click', () => setCompact(!document.body.classList.contains('compact')));
    renderAll();
    el.form.addEventListener('submit', onSubmit);
    el.input.addEventListener('keydown', onKeyDown);
    el.input.addEventListener('input', autoGrow);
    el.reset.addEventListener('click', () => { newConversation().catch(() => {}); });
    el.erase.addEventListener('click', eraseAll);
    el.signOut.addEventListener('click', signOut);
    document.querySelectorAll('.example').forEach((b) => b.addEventListener('click', onExample));
    autoGrow();
    start();
    setInterval(pollPushed, POLL_MS);
    document.addEventListener('visibilitychange', pollPushed);
    if (window.matchMedia && window.matchMedia('(pointer: fine)').matches) el.input.focus();
  }

  init();
}());
