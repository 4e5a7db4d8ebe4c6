// SPDX-License-Identifier: Apache-2.0
// Holds connections open against a porticod for tests/bench/run: IDLE keep-alive connections
// that were each served once, WS WebSockets and SSE event streams to the streams fixture.
//   node hold-connections.js PORT IDLE WS SSE READY_FILE
// Writes READY_FILE when all are open and stays until killed.
const fs = require('fs');
const net = require('net');
const http = require('http');
const WebSocket = require('ws');

const [port, idle, ws, sse, readyFile] = [+process.argv[2], +process.argv[3], +process.argv[4], +process.argv[5], process.argv[6]];
const held = [];
let open = 0;
const total = idle + ws + sse;
function opened() {
  if (++open === total) fs.writeFileSync(readyFile, '');
}

function openIdle(n) {
  if (n === 0) return;
  const s = net.connect(port, '127.0.0.1', () => s.write('GET /streams/stats HTTP/1.1\r\nHost: x\r\n\r\n'));
  let answered = false;
  s.on('data', () => {
    if (!answered) { answered = true; opened(); openIdle(n - 1); }
  });
  s.on('error', () => {});
  held.push(s);
}

function openWs(n) {
  if (n === 0) return;
  const s = new WebSocket(`ws://127.0.0.1:${port}/streams/ws`);
  s.on('open', () => { opened(); openWs(n - 1); });
  s.on('error', () => {});
  held.push(s);
}

function openSse(n) {
  if (n === 0) return;
  const agent = new http.Agent({ keepAlive: false, maxSockets: 1 });
  const req = http.get({ host: '127.0.0.1', port, path: '/streams/sse?count=1', agent }, (res) => {
    res.once('data', () => { opened(); openSse(n - 1); });
    res.on('data', () => {});
  });
  req.on('error', () => {});
  held.push(req);
}

// Ten of each kind at a time, so the listen backlog is never the limit.
for (let i = 0; i < 10; i++) {
  openIdle(Math.floor(idle / 10));
  openWs(Math.floor(ws / 10));
  openSse(Math.floor(sse / 10));
}
setInterval(() => {}, 1 << 30);
