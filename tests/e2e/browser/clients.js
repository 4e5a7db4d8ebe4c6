// SPDX-License-Identifier: Apache-2.0
// A real browser (Debian's chromium, headless, driven by playwright-core) as porticod's client,
// for tests/e2e/BrowserTest.cpp. Pages come from a small server of our own on two loopback
// ports, i.e. two origins other than the API's: one the host allows, one it does not.
//   node clients.js '<json>'  with {scenario, api, allowedPort, otherPort, ...}
// Scenarios:
//   rest-and-push   from the allowed origin: a preflighted login, a push ticket, the user's
//                   channel over EventSource and WebSocket, a counted event stream, an echoing
//                   WebSocket; from the other origin: the same calls, which the browser blocks
//                   (and a WebSocket, which the host refuses)
//   reconnect       an EventSource and a WebSocket held across a hot swap: writes readyFile
//                   once both heard version 1.0.0, then waits until both hear 2.0.0
//   push-restart    an EventSource on the user's push channel with `ticket`, held across a
//                   porticod restart: writes <marks>-open-N as it opens the Nth time and
//                   <marks>-got-<data> per message, until it has heard `last`
//   dashboard       the analytics dashboard of `event` with `token` over the last day: what it
//                   drew and any page error; a full-page screenshot to `screenshot`
// Prints one JSON report; exits by itself after 60 s whatever happens.
const fs = require('fs');
const http = require('http');
const { chromium } = require('playwright-core');

const args = JSON.parse(process.argv[2]);
setTimeout(() => {
  process.stdout.write(JSON.stringify({ error: 'timed out after 60 s' }));
  process.exit(3);
}, 60000).unref();

function servePages() {
  const page = (req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><title>portico browser test</title>');
  };
  return Promise.all(
    [args.allowedPort, args.otherPort].map(
      (port) => new Promise((resolve, reject) => {
        const server = http.createServer(page);
        server.on('error', reject);
        server.listen(port, '127.0.0.1', () => resolve(server));
      }),
    ),
  );
}

async function restAndPush(page, api, user) {
  return page.evaluate(
    async ({ api, user }) => {
      // Every wait has its own bound, so a missing event fails one check only.
      const within = (ms, what, promise) => Promise.race([
        promise,
        new Promise((_, reject) => setTimeout(() => reject(new Error(`${what}: nothing in ${ms} ms`)), ms)),
      ]);
      const ws = api.replace(/^http/, 'ws');
      const out = {};
      const attempt = async (name, f) => {
        try {
          out[name] = await f();
        } catch (e) {
          out[name] = { error: String(e) };
        }
      };
      await attempt('hello', async () => {
        const r = await fetch(`${api}/hello/world`, { credentials: 'include' });
        return { status: r.status, body: await r.text() };
      });
      let access = '';
      await attempt('login', async () => {
        const r = await fetch(`${api}/auth/login`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ email: user.email, password: user.password }),
        });
        const body = await r.json();
        access = body.access_token || '';
        return { status: r.status, gotToken: access.length > 0 };
      });
      const ticket = async () => {
        const r = await fetch(`${api}/push/ticket`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${access}` },
        });
        return (await r.json()).ticket;
      };
      await attempt('push', async () => {
        const [sseTicket, wsTicket] = [await ticket(), await ticket()];
        const sse = new EventSource(`${api}/push/me?ticket=${sseTicket}`);
        const socket = new WebSocket(`${ws}/push/me?ticket=${wsTicket}`);
        const got = { sse: [], ws: [] };
        const opened = Promise.all([
          new Promise((resolve) => { sse.onopen = resolve; }),
          new Promise((resolve) => { socket.onopen = resolve; }),
        ]);
        const both = new Promise((resolve) => {
          const check = () => got.sse.length === 3 && got.ws.length === 3 && resolve();
          sse.onmessage = (e) => { got.sse.push(e.data); check(); };
          socket.onmessage = (e) => { got.ws.push(e.data); check(); };
        });
        await within(5000, 'push streams open', opened);
        for (const m of ['one', 'two', 'three']) {
          const r = await fetch(`${api}/streams/publish/user:${user.id}`, { method: 'POST', body: m });
          if (r.status !== 204) throw new Error(`publish answered ${r.status}`);
        }
        await within(5000, 'pushed messages', both).catch(() => {});
        sse.close();
        socket.close();
        return got;
      });
      await attempt('countdown', async () => {
        const source = new EventSource(`${api}/streams/sse?count=3`);
        const events = [];
        await within(5000, 'counted events', new Promise((resolve) => {
          source.addEventListener('n', (e) => {
            events.push({ data: e.data, id: e.lastEventId });
            if (events.length === 3) resolve();
          });
        })).catch(() => {});
        source.close();
        return events;
      });
      await attempt('echo', async () => {
        const socket = new WebSocket(`${ws}/streams/ws`);
        socket.binaryType = 'arraybuffer';
        const got = { texts: [], binaries: [] };
        const closed = new Promise((resolve) => {
          socket.onclose = (e) => resolve({ code: e.code, reason: e.reason, clean: e.wasClean });
        });
        socket.onopen = () => {
          socket.send('hello, ünïcode');
          socket.send(new Uint8Array([0, 1, 2, 255]));
        };
        socket.onmessage = (e) => {
          if (typeof e.data === 'string') {
            got.texts.push(e.data);
          } else {
            got.binaries.push(Array.from(new Uint8Array(e.data)));
          }
          if (got.texts.length === 1 && got.binaries.length === 1) socket.send('close');
        };
        return { ...got, close: await within(5000, 'echo close', closed) };
      });
      return out;
    },
    { api, user },
  );
}

async function blockedElsewhere(page, api) {
  return page.evaluate(async ({ api }) => {
    const outcome = async (f) => {
      try {
        const r = await f();
        return { status: r.status };
      } catch (e) {
        return { blocked: e instanceof TypeError };
      }
    };
    return {
      simple: await outcome(() => fetch(`${api}/hello/world`)),
      preflighted: await outcome(() => fetch(`${api}/auth/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{}',
      })),
      eventSource: await new Promise((resolve) => {
        const source = new EventSource(`${api}/streams/sse?count=1`);
        source.onopen = () => { source.close(); resolve('opened'); };
        source.onerror = () => { source.close(); resolve('refused'); };
      }),
      // CORS does not cover WebSockets: only the host's Origin check stands between this page
      // and the API.
      webSocket: await new Promise((resolve) => {
        const socket = new WebSocket(`${api.replace(/^http/, 'ws')}/streams/ws`);
        socket.onopen = () => { socket.close(); resolve('opened'); };
        socket.onerror = () => resolve('refused');
      }),
    };
  }, { api });
}

async function reconnect(page, api) {
  await page.evaluate(({ api }) => {
    const ws = api.replace(/^http/, 'ws');
    const state = { sse: [], sseErrors: 0, ws: [], wsCloseCodes: [] };
    window.swapState = state;
    const source = new EventSource(`${api}/streams/ticks`);
    source.addEventListener('tick', (e) => {
      const version = e.data.replace('tick ', '');
      if (state.sse[state.sse.length - 1] !== version) state.sse.push(version);
    });
    source.onerror = () => { state.sseErrors++; };
    const open = () => {
      const socket = new WebSocket(`${ws}/streams/ws/version`);
      socket.onmessage = (e) => state.ws.push(e.data);
      socket.onclose = (e) => {
        state.wsCloseCodes.push(e.code);
        if (state.wsCloseCodes.length === 1) open();
      };
    };
    open();
  }, { api });
  await page.waitForFunction(() => swapState.sse.length === 1 && swapState.ws.length === 1, null, { timeout: 10000 });
  fs.writeFileSync(args.readyFile, '');
  await page
    .waitForFunction(() => swapState.sse.includes('2.0.0') && swapState.ws.includes('2.0.0'), null, { timeout: 30000 })
    .catch(() => {});
  return page.evaluate(() => swapState);
}

async function pushRestart(page, api) {
  await page.exposeFunction('mark', (name) => fs.writeFileSync(`${args.marks}-${name}`, ''));
  await page.evaluate(({ api, ticket }) => {
    const state = { messages: [], ids: [], opens: 0, errors: 0, revoked: 0 };
    window.pushState = state;
    const source = new EventSource(`${api}/push/me?ticket=${ticket}`);
    source.onopen = () => { state.opens++; window.mark(`open-${state.opens}`); };
    source.onmessage = (e) => {
      state.messages.push(e.data);
      state.ids.push(e.lastEventId);
      window.mark(`got-${e.data}`);
    };
    source.addEventListener('revoked', () => { state.revoked++; });
    source.onerror = () => { state.errors++; state.readyState = source.readyState; };
  }, { api, ticket: args.ticket });
  await page
    .waitForFunction((last) => pushState.messages.includes(last), args.last, { timeout: 40000 })
    .catch(() => {});
  return page.evaluate(() => pushState);
}

async function dashboard(page, args) {
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(`${args.api}/analytics/?events=${encodeURIComponent(args.event)}`);
  await page.fill('#token', args.token);
  await page.selectOption('#range', '1');
  await page.click('button[type=submit]');
  await page.waitForFunction(() => window.portico.ready, null, { timeout: 15000 });
  await page.screenshot({ path: args.screenshot, fullPage: true });
  const drawn = await page.evaluate(() => ({
    data: window.portico.data,
    totalEvents: document.getElementById('total-events').textContent,
    topEvents: [...document.querySelectorAll('#top-events tbody tr')].map((tr) => tr.innerText),
    slowestRows: document.querySelectorAll('#slowest tbody tr').length,
    chart: document.querySelectorAll('#chart canvas').length,
  }));
  return { ...drawn, errors };
}

async function main() {
  const servers = await servePages();
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true });
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${args.allowedPort}/`);
    let report;
    if (args.scenario === 'rest-and-push') {
      report = { allowed: await restAndPush(page, args.api, args.user) };
      const other = await browser.newPage();
      await other.goto(`http://127.0.0.1:${args.otherPort}/`);
      report.other = await blockedElsewhere(other, args.api);
    } else if (args.scenario === 'dashboard') {
      report = await dashboard(page, args);
    } else if (args.scenario === 'push-restart') {
      report = await pushRestart(page, args.api);
    } else {
      report = await reconnect(page, args.api);
    }
    process.stdout.write(JSON.stringify(report));
  } finally {
    await browser.close();
    servers.forEach((s) => s.close());
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stdout.write(JSON.stringify({ error: String(e && e.stack || e) }));
    process.exit(1);
  },
);
