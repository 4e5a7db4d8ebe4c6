// SPDX-License-Identifier: Apache-2.0
// A real WebSocket client (the `ws` package) against the streams fixture's echo route: sends a
// text and a binary message, then "close", and prints what came back as JSON.
//   node ws-echo.js ws://127.0.0.1:PORT/streams/ws
const WebSocket = require('ws');

const socket = new WebSocket(process.argv[2]);
const result = { texts: [], binaries: [], code: null, reason: null };
socket.on('open', () => {
  socket.send('hello, ünïcode');
  socket.send(Buffer.from([0, 1, 2, 255]));
});
socket.on('message', (data, isBinary) => {
  if (isBinary) {
    result.binaries.push(Buffer.from(data).toString('hex'));
  } else {
    result.texts.push(data.toString());
  }
  if (result.texts.length === 1 && result.binaries.length === 1) socket.send('close');
});
socket.on('close', (code, reason) => {
  result.code = code;
  result.reason = reason.toString();
  process.stdout.write(JSON.stringify(result));
  process.exit(0);
});
socket.on('error', (e) => {
  process.stdout.write(JSON.stringify({ error: e.message }));
  process.exit(1);
});
setTimeout(() => {
  process.stdout.write(JSON.stringify({ error: 'timed out', partial: result }));
  process.exit(1);
}, 10000);
