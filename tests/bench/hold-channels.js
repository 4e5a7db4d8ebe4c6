// SPDX-License-Identifier: Apache-2.0
// Holds event streams to the streams fixture for tests/bench/run-push, each subscribed to a
// channel of its own, and counts the messages they receive.
//   node hold-channels.js PORT PREFIX COUNT READY_FILE COUNT_FILE
// Opens PREFIX:0 .. PREFIX:(COUNT-1), writes READY_FILE once all are subscribed, then rewrites
// COUNT_FILE with the number of `data:` events received every 200 ms. Stops itself after 10 min.
const fs = require('fs');
const net = require('net');

const [port, prefix, count, readyFile, countFile] =
  [+process.argv[2], process.argv[3], +process.argv[4], process.argv[5], process.argv[6]];
let subscribed = 0;
let received = 0;
const held = [];

function open(i) {
  const s = net.connect(port, '127.0.0.1', () =>
    s.write(`GET /streams/channel/${prefix}:${i} HTTP/1.1\r\nHost: x\r\n\r\n`));
  let seen = '';
  let ready = false;
  s.setEncoding('utf8');
  s.on('data', (chunk) => {
    seen += chunk;
    if (!ready && seen.includes(': subscribed')) {
      ready = true;
      if (++subscribed === count) fs.writeFileSync(readyFile, '');
      if (i + 64 < count) open(i + 64);
    }
    // Whole events only; what follows the last blank line waits for the next chunk.
    const end = seen.lastIndexOf('\n\n');
    if (end < 0) return;
    received += (seen.slice(0, end).match(/^data: /gm) || []).length;
    seen = seen.slice(end + 2);
  });
  s.on('error', () => {});
  held.push(s);
}

for (let i = 0; i < Math.min(64, count); i++) open(i);
setInterval(() => fs.writeFileSync(countFile, String(received)), 200);
setTimeout(() => process.exit(0), 600000);
