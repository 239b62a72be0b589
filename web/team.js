// The team view: fetches the aggregated figures and draws three SVG charts.
// Everything is drawn here, from the page's own labels; nothing is fetched
// from elsewhere. A hidden (suppressed) cell is drawn as hidden, never as 0.
(function () {
  'use strict';

  const SVG = 'http://www.w3.org/2000/svg';
  const boot = JSON.parse(document.getElementById('team-labels').textContent);
  let lang = boot.lang;
  let figures = null;

  function L() { return boot.labels[lang]; }
  function text(key, values) {
    let said = L().texts[key];
    Object.entries(values || {}).forEach(([name, value]) => {
      said = said.split('{' + name + '}').join(String(value));
    });
    return said;
  }

  function svg(tag, attrs, content) {
    const node = document.createElementNS(SVG, tag);
    Object.entries(attrs || {}).forEach(([k, v]) => node.setAttribute(k, String(v)));
    if (content !== undefined) node.textContent = content;
    return node;
  }

  function empty(holder) {
    const p = document.createElement('p');
    p.className = 'team-empty';
    p.textContent = text('empty');
    holder.appendChild(p);
  }

  function weekLabel(week) {
    // 2026-W49 → W49 '26: short enough under a column
    const [year, number] = week.split('-');
    return number + " '" + year.slice(2);
  }

  // Objections: a grid, categories down, weeks across; darker is more.
  function drawObjections(holder) {
    const cells = figures.objections;
    if (!cells.length) return empty(holder);
    const weeks = figures.weeks.filter((w) => cells.some((c) => c.week === w));
    const categories = Object.keys(L().categories).filter((c) => cells.some((x) => x.category === c));
    const left = 210, top = 28, cw = 56, ch = 26;
    const width = left + weeks.length * cw + 8, height = top + categories.length * ch + 8;
    const plot = svg('svg', { viewBox: '0 0 ' + width + ' ' + height, width, height, role: 'img', class: 'team-plot objections' });
    plot.appendChild(svg('title', {}, text('objections_title')));
    const most = Math.max(1, ...cells.map((c) => c.count || 0));
    weeks.forEach((w, i) => plot.appendChild(svg('text', { x: left + i * cw + cw / 2, y: 18, class: 'axis', 'text-anchor': 'middle' }, weekLabel(w))));
    categories.forEach((category, row) => {
      const y = top + row * ch;
      plot.appendChild(svg('text', { x: left - 8, y: y + ch / 2 + 4, class: 'axis', 'text-anchor': 'end' }, L().categories[category]));
      weeks.forEach((week, col) => {
        const cell = cells.find((c) => c.week === week && c.category === category);
        if (!cell) return;
        const x = left + col * cw;
        const shape = svg('rect', {
          x: x + 2, y: y + 2, width: cw - 4, height: ch - 4, rx: 3,
          class: 'cell' + (cell.suppressed ? ' hidden-cell' : ''),
          'data-week': week, 'data-category': category,
          'data-count': cell.suppressed ? '' : cell.count,
        });
        const strength = cell.suppressed ? 0 : 0.15 + 0.85 * (cell.count / most);
        if (!cell.suppressed) shape.style.fillOpacity = String(strength);
        shape.appendChild(svg('title', {}, L().categories[category] + ', ' + week + ': ' + (cell.suppressed ? text('hidden') : cell.count)));
        plot.appendChild(shape);
        // light text on a dark cell, dark text on a pale one
        plot.appendChild(svg('text', { x: x + cw / 2, y: y + ch / 2 + 4, class: 'cell-label' + (strength > 0.55 ? ' on-dark' : ''), 'text-anchor': 'middle' }, cell.suppressed ? '–' : String(cell.count)));
      });
    });
    holder.appendChild(plot);
  }

  // Offers: the weeks' shown cells summed per offer (a sum of shown cells
  // reveals nothing hidden), a bar for the rehearsals with it and inside it
  // those that ended in a yes; an offer with no week shown is drawn as hidden.
  function offerTotals() {
    const totals = {};
    figures.concessions.forEach((cell) => {
      const total = totals[cell.offer] || (totals[cell.offer] = { offer: cell.offer, rehearsals: 0, agreed: 0, suppressed: true });
      if (cell.suppressed) return;
      total.rehearsals += cell.rehearsals;
      total.agreed += cell.agreed;
      total.suppressed = false;
    });
    return Object.keys(L().offers).filter((offer) => totals[offer]).map((offer) => totals[offer]);
  }

  function drawConcessions(holder) {
    const cells = offerTotals();
    if (!cells.length) return empty(holder);
    const left = 300, bar = 320, row = 34, top = 8;
    const width = left + bar + 250, height = top + cells.length * row + 30;
    const plot = svg('svg', { viewBox: '0 0 ' + width + ' ' + height, width, height, role: 'img', class: 'team-plot concessions' });
    plot.appendChild(svg('title', {}, text('concessions_title')));
    const most = Math.max(1, ...cells.map((c) => c.rehearsals || 0));
    cells.forEach((cell, i) => {
      const y = top + i * row;
      const name = L().offers[cell.offer] || cell.offer;
      plot.appendChild(svg('text', { x: left - 8, y: y + 17, class: 'axis', 'text-anchor': 'end' }, name));
      const group = svg('g', { class: 'offer' + (cell.suppressed ? ' hidden-cell' : ''), 'data-offer': cell.offer });
      if (cell.suppressed) {
        group.appendChild(svg('rect', { x: left, y: y + 4, width: bar, height: 18, rx: 3, class: 'bar-hidden' }));
        group.appendChild(svg('text', { x: left + 8, y: y + 17, class: 'bar-label' }, text('hidden')));
      } else {
        const offered = svg('rect', { x: left, y: y + 4, width: bar * cell.rehearsals / most, height: 18, rx: 3, class: 'bar-offered', 'data-value': cell.rehearsals });
        const agreed = svg('rect', { x: left, y: y + 4, width: bar * cell.agreed / most, height: 18, rx: 3, class: 'bar-agreed', 'data-value': cell.agreed });
        const said = text('concession_value', { agreed: cell.agreed, offered: cell.rehearsals, percent: Math.round(100 * cell.agreed / cell.rehearsals) });
        offered.appendChild(svg('title', {}, name + ': ' + said));
        group.appendChild(offered);
        group.appendChild(agreed);
        group.appendChild(svg('text', { x: left + bar * cell.rehearsals / most + 8, y: y + 17, class: 'bar-label' }, said));
      }
      plot.appendChild(group);
    });
    const legendY = top + cells.length * row + 14;
    plot.appendChild(svg('rect', { x: left, y: legendY - 9, width: 12, height: 12, class: 'bar-offered' }));
    plot.appendChild(svg('text', { x: left + 18, y: legendY + 1, class: 'axis' }, text('legend_offered')));
    plot.appendChild(svg('rect', { x: left + 190, y: legendY - 9, width: 12, height: 12, class: 'bar-agreed' }));
    plot.appendChild(svg('text', { x: left + 208, y: legendY + 1, class: 'axis' }, text('legend_agreed')));
    holder.appendChild(plot);
  }

  // Rubric scores: one line per item over the weeks, 0 to 2; a hidden week is
  // a gap in the line, not a point.
  function drawScores(holder) {
    const cells = figures.scores;
    if (!cells.length) return empty(holder);
    const weeks = figures.weeks.filter((w) => cells.some((c) => c.week === w));
    const items = Object.keys(L().rubric);
    const left = 36, top = 12, plotH = 160, step = Math.max(60, Math.min(110, 560 / Math.max(1, weeks.length)));
    const width = left + Math.max(1, weeks.length) * step + 20, height = top + plotH + 34;
    const x = (i) => left + step / 2 + i * step;
    const y = (v) => top + plotH - (v / 2) * plotH;
    const plot = svg('svg', { viewBox: '0 0 ' + width + ' ' + height, width, height, role: 'img', class: 'team-plot scores' });
    plot.appendChild(svg('title', {}, text('scores_title')));
    [0, 1, 2].forEach((v) => {
      plot.appendChild(svg('line', { x1: left, x2: width - 10, y1: y(v), y2: y(v), class: 'grid' }));
      plot.appendChild(svg('text', { x: left - 8, y: y(v) + 4, class: 'axis', 'text-anchor': 'end' }, String(v)));
    });
    weeks.forEach((w, i) => plot.appendChild(svg('text', { x: x(i), y: height - 10, class: 'axis', 'text-anchor': 'middle' }, weekLabel(w))));
    items.forEach((item, n) => {
      const shown = weeks
        .map((w, i) => [i, cells.find((c) => c.week === w && c.item === item)])
        .filter(([, c]) => c && !c.suppressed);
      if (!shown.length) return;
      const series = 'series-' + n;
      plot.appendChild(svg('polyline', {
        points: shown.map(([i, c]) => x(i) + ',' + y(c.mean)).join(' '),
        class: 'line ' + series, 'data-item': item,
      }));
      shown.forEach(([i, c]) => {
        const dot = svg('circle', { cx: x(i), cy: y(c.mean), r: 4, class: 'dot ' + series, 'data-item': item, 'data-week': c.week, 'data-value': c.mean });
        dot.appendChild(svg('title', {}, L().rubric[item] + ', ' + c.week + ': ' + c.mean));
        plot.appendChild(dot);
      });
    });
    holder.appendChild(plot);
    const legend = document.createElement('ul');
    legend.className = 'team-legend';
    items.forEach((item, n) => {
      const li = document.createElement('li');
      li.className = 'series-' + n;
      li.textContent = L().rubric[item];
      legend.appendChild(li);
    });
    holder.appendChild(legend);
  }

  function draw() {
    document.documentElement.lang = lang;
    document.querySelectorAll('[data-label]').forEach((node) => { node.textContent = text(node.dataset.label); });
    const status = document.getElementById('team-status');
    if (!figures) return;
    status.hidden = true;
    [['chart-objections', drawObjections], ['chart-concessions', drawConcessions], ['chart-scores', drawScores]].forEach(([id, drawIt]) => {
      const holder = document.getElementById(id);
      holder.replaceChildren();
      drawIt(holder);
    });
  }

  document.getElementById('switch-language').addEventListener('click', () => {
    lang = lang === 'nl' ? 'en' : 'nl';
    draw();
  });

  fetch('/webhooks/team/figures', { credentials: 'same-origin', headers: { Accept: 'application/json' } })
    .then((answer) => {
      if (!answer.ok) throw new Error(String(answer.status));
      return answer.json();
    })
    .then((data) => {
      figures = data;
      draw();
      document.body.dataset.ready = 'true';
    })
    .catch(() => {
      const status = document.getElementById('team-status');
      status.dataset.label = 'failed';
      status.textContent = text('failed');
      status.classList.add('team-failed');
      document.body.dataset.ready = 'failed';
    });
})();
