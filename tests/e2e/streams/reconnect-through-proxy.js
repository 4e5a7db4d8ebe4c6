// SPDX-License-Identifier: Apache-2.0
// Push clients as browsers run them behind a load balancer: WebSockets and event streams
// subscribed to one channel, each reconnecting 100 ms after its connection ends (whichever host
// served it), noting every message.
//   node reconnect-through-proxy.js PORT CHANNEL EACH READY_FILE STOP_FILE OUT_FILE
// READY_FILE is written once every client has connected. When STOP_FILE appears, holding the
// last message published, the clients go on until each has received it (at most 10 s more);
// then (or after 120 s) OUT_FILE gets [{kind, connects, received: [messages]}] and the script
// exits.
const fs = require('fs');
const http = require('http');
const WebSocket = require('ws');

const [port, channel, each, readyFile, stopFile, outFile] = [
  +process.argv[2], process.argv[3], +process.argv[4], process.argv[5], process.argv[6], process.argv[7]];
const clients = [];
let connected = 0;

function noteConnected(c) {
  if (c.connects++ === 0 && ++connected === clients.length) fs.writeFileSync(readyFile, '');
}

function again(c, open) {
  setTimeout(() => open(c), 100);
}

function openWs(c) {
  let reopened = false;
  const reopen = () => { if (!reopened) { reopened = true; again(c, openWs); } };
  const socket = new WebSocket(`ws://127.0.0.1:${port}/streams/ws/channel/${channel}`);
  socket.on('open', () => noteConnected(c));
  socket.on('message', (data) => c.received.push(data.toString()));
  socket.on('close', reopen);
  socket.on('error', reopen);
}

function openSse(c) {
  let reopened = false;
  const reopen = () => { if (!reopened) { reopened = true; again(c, openSse); } };
  const req = http.get({ port, host: '127.0.0.1', path: `/streams/channel/${channel}`,
                         headers: { Accept: 'text/event-stream' } }, (res) => {
    if (res.statusCode !== 200) { res.resume(); reopen(); return; }
    let text = '';
    res.on('data', (chunk) => {
      text += chunk.toString();
      if (text.includes(': subscribed') && !c.subscribedThisTime) {
        c.subscribedThisTime = true;
        noteConnected(c);
      }
      let end;
      while ((end = text.indexOf('\n\n')) >= 0) {
        for (const line of text.slice(0, end).split('\n')) {
          if (line.startsWith('data: ')) c.received.push(line.slice(6));
        }
        text = text.slice(end + 2);
      }
    });
    res.on('end', () => { c.subscribedThisTime = false; reopen(); });
    res.on('error', () => { c.subscribedThisTime = false; reopen(); });
  });
  req.on('error', () => { c.subscribedThisTime = false; reopen(); });
}

function finish() {
  fs.writeFileSync(outFile, JSON.stringify(clients.map(({ kind, connects, received }) =>
    ({ kind, connects, received }))));
  process.exit(0);
}

for (let i = 0; i < each; i++) {
  const ws = { kind: 'ws', connects: 0, received: [] };
  const sse = { kind: 'sse', connects: 0, received: [] };
  clients.push(ws, sse);
}
clients.forEach((c) => (c.kind === 'ws' ? openWs(c) : openSse(c)));
let stopAsked = 0;
setInterval(() => {
  if (!fs.existsSync(stopFile)) return;
  stopAsked = stopAsked || Date.now();
  const last = fs.readFileSync(stopFile, 'utf8').trim();
  const allHaveIt = clients.every((c) => c.received[c.received.length - 1] === last);
  if (allHaveIt || Date.now() - stopAsked > 10000) finish();
}, 100);
setTimeout(finish, 120000);
