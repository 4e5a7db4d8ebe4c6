// SPDX-License-Identifier: Apache-2.0
// Publishes one message to each of PREFIX:0 .. PREFIX:(COUNT-1) through a porticod's streams
// fixture (POST /streams/publish/{name}), 16 requests at a time, for tests/bench/run-push.
//   node publish-channels.js PORT PREFIX COUNT
const http = require('http');

const [port, prefix, count] = [+process.argv[2], process.argv[3], +process.argv[4]];
const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
let next = 0;
let failed = 0;

function one() {
  if (next >= count) return Promise.resolve();
  const i = next++;
  return new Promise((resolve) => {
    const req = http.request({ port, host: '127.0.0.1', method: 'POST', agent,
      path: `/streams/publish/${prefix}:${i}` }, (res) => {
      if (res.statusCode !== 204) failed++;
      res.resume();
      res.on('end', resolve);
    });
    req.on('error', () => { failed++; resolve(); });
    req.end(`message ${i}`);
  }).then(one);
}

Promise.all(Array.from({ length: 16 }, one)).then(() => {
  if (failed) console.error(`${failed} publishes failed`);
  process.exit(failed ? 1 : 0);
});
