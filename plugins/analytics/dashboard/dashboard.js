// SPDX-License-Identifier: Apache-2.0
// The analytics dashboard: events and visitors over time, top events, slowest routes, from
// POST /analytics/v1/query and /routes with a token that has analytics:read (kept for the tab
// only). ?events=a,b limits the events shown. What is drawn is also in window.portico.data.
(() => {
  'use strict';
  const $ = (id) => document.getElementById(id);
  const events = new URLSearchParams(location.search).get('events');
  const eventNames = events ? events.split(',').filter(Boolean) : [];
  window.portico = { ready: false, data: null };
  let chart = null;

  async function post(path, body) {
    const response = await fetch(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${$('token').value}` },
      body: JSON.stringify(body),
    });
    const answer = await response.json();
    if (!response.ok) throw new Error(answer.message || `${path} answered ${response.status}`);
    return answer;
  }

  const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

  // Whole hours (so that events and visitors come from the hourly rollups), the current included.
  function range(days) {
    const hour = 3600 * 1000;
    const to = Math.floor(Date.now() / hour) * hour + hour;
    return { from: iso(to - days * 24 * hour), to: iso(to), interval: days > 7 ? 'day' : 'hour' };
  }

  // Every bucket of the range, empty ones as zeros: a chart must not join distant points.
  function fill(series, r) {
    const step = (r.interval === 'day' ? 24 : 1) * 3600;
    const byTime = new Map(series.map((b) => [Date.parse(b.bucket) / 1000, b]));
    const xs = [], counts = [], visitors = [];
    let start = Date.parse(r.from) / 1000;
    if (r.interval === 'day') start = Math.floor(start / 86400) * 86400;
    for (let t = start; t < Date.parse(r.to) / 1000; t += step) {
      const b = byTime.get(t);
      xs.push(t);
      counts.push(b ? b.events : 0);
      visitors.push(b ? b.visitors : 0);
    }
    return [xs, counts, visitors];
  }

  function draw(points) {
    const options = {
      width: $('chart').clientWidth || 800,
      height: 300,
      series: [
        {},
        { label: 'Events', stroke: '#3d63dd', fill: 'rgba(61, 99, 221, 0.12)', width: 2 },
        { label: 'Visitors', stroke: '#12a594', width: 2 },
      ],
      axes: [{}, { size: 60 }],
    };
    if (chart) chart.destroy();
    chart = new uPlot(options, points, $('chart'));
  }

  function rows(table, items, cells) {
    const body = $(table).querySelector('tbody');
    body.replaceChildren(...items.map((item) => {
      const tr = document.createElement('tr');
      for (const text of cells(item)) {
        const td = document.createElement('td');
        td.textContent = text;  // never HTML: event names and routes come from clients
        tr.append(td);
      }
      return tr;
    }));
  }

  async function show() {
    sessionStorage.setItem('portico.analytics.token', $('token').value);
    $('status').className = '';
    $('status').textContent = 'Loading…';
    const r = range(Number($('range').value));
    const scope = eventNames.length ? { events: eventNames } : {};
    try {
      const [series, top, routes] = await Promise.all([
        post('/analytics/v1/query', { metrics: ['events', 'visitors'], ...r, ...scope }),
        post('/analytics/v1/query', { metrics: ['events', 'visitors'], ...r, ...scope, group_by: '$event', limit: 10 }),
        post('/analytics/v1/routes', { ...r, limit: 10 }),
      ]);
      const points = fill(series.series, r);
      draw(points);
      const sum = (xs) => xs.reduce((a, b) => a + b, 0);
      $('total-events').textContent = sum(points[1]).toLocaleString();
      $('peak-visitors').textContent = Math.max(0, ...points[2]).toLocaleString();
      rows('top-events', top.groups, (g) => [g.value, g.events.toLocaleString(), g.visitors.toLocaleString()]);
      rows('slowest', routes.slowest, (s) => [`${s.method} ${s.route}`, s.requests.toLocaleString(),
        s.errors.toLocaleString(), s.p95_ms === null ? '–' : s.p95_ms.toFixed(1)]);
      window.portico.data = { range: r, points, top: top.groups, slowest: routes.slowest };
      $('status').textContent = `Updated ${new Date().toLocaleTimeString()}`;
    } catch (e) {
      $('status').className = 'error';
      $('status').textContent = e.message;
      window.portico.data = { error: e.message };
    }
    window.portico.ready = true;
  }

  $('access').addEventListener('submit', (e) => {
    e.preventDefault();
    show();
  });
  $('token').value = sessionStorage.getItem('portico.analytics.token') || '';
  if ($('token').value) show();
})();
