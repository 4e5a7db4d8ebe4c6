// SPDX-License-Identifier: Apache-2.0
// Holds WebSockets and server-sent event streams open across a hot swap, as browsers would:
// each learns the serving plugin version from its first message, notes when and how its
// stream ends, reconnects once, and notes the version that answers then.
//   node hold-across-swap.js PORT COUNT READY_FILE OUT_FILE
// READY_FILE is written once every stream has its first message; OUT_FILE gets one JSON report
// when every stream has reconnected (or after 60 s).
const fs = require('fs');
const http = require('http');
const WebSocket = require('ws');

const [port, count, readyFile, outFile] = [+process.argv[2], +process.argv[3], process.argv[4], process.argv[5]];
const streams = [];
let firsts = 0;
let finished = 0;

function noteFirst(s, version) {
  if (s.attempt === 0) {
    s.before = version;
    if (++firsts === 2 * count) fs.writeFileSync(readyFile, '');
  } else {
    s.after = version;
    if (++finished === 2 * count) report();
  }
}

function openWs(s) {
  const socket = new WebSocket(`ws://127.0.0.1:${port}/streams/ws/version`);
  let first = true;
  socket.on('message', (data) => {
    if (first) noteFirst(s, data.toString());
    first = false;
    if (s.attempt === 1) socket.close();
  });
  socket.on('close', (code) => {
    if (s.attempt === 0) {
      s.code = code;
      s.endedAt = Date.now();
      s.attempt = 1;
      openWs(s);
    }
  });
  socket.on('error', () => {});
}

function openSse(s) {
  const req = http.get({ port, host: '127.0.0.1', path: '/streams/ticks', headers: { Accept: 'text/event-stream' } }, (res) => {
    let first = true;
    let text = '';
    res.on('data', (chunk) => {
      text += chunk.toString();
      const m = /data: tick (\S+)/.exec(text);
      if (first && m) {
        first = false;
        noteFirst(s, m[1]);
        if (s.attempt === 1) req.destroy();
      }
      if (text.includes('retry:')) s.retry = true;
    });
    res.on('end', () => {
      if (s.attempt === 0) {
        s.endedAt = Date.now();
        s.attempt = 1;
        openSse(s);
      }
    });
  });
  req.on('error', () => {});
}

function report() {
  fs.writeFileSync(outFile, JSON.stringify(streams));
  process.exit(0);
}

for (let i = 0; i < count; i++) {
  const ws = { kind: 'ws', attempt: 0, retry: false };
  const sse = { kind: 'sse', attempt: 0, retry: false };
  streams.push(ws, sse);
  openWs(ws);
  openSse(sse);
}
setTimeout(report, 60000);
