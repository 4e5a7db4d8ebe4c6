// SPDX-License-Identifier: Apache-2.0
// An OpenAI-compatible chat completions endpoint for tests/bench/run-ai: answers after DELAY_MS
// (a provider's own time), whole or as server-sent events (first event at once, the rest after
// the delay, usage last). Plain node, no packages.
//   node fake-openai.js PORT DELAY_MS
'use strict';
const http = require('http');

const port = Number(process.argv[2]);
const delayMs = Number(process.argv[3] || 0);
const usage = { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 };
const chunk = (delta, finish) =>
  'data: ' + JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1,
    model: 'bench', choices: [{ index: 0, delta, finish_reason: finish || null }] }) + '\n\n';

http.createServer((req, res) => {
  let body = '';
  req.on('data', (d) => { body += d; });
  req.on('end', () => {
    if (req.url !== '/v1/chat/completions') {
      res.writeHead(404, { 'Content-Type': 'application/json' });
      return res.end('{"error":{"message":"no such route"}}');
    }
    const ask = JSON.parse(body);
    if (ask.stream) {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      res.write(chunk({ role: 'assistant', content: 'Hello' }));
      return setTimeout(() => {
        res.write(chunk({ content: ' there' }));
        res.write(chunk({}, 'stop'));
        res.write('data: ' + JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk',
          created: 1, model: 'bench', choices: [], usage }) + '\n\n');
        res.end('data: [DONE]\n\n');
      }, delayMs);
    }
    setTimeout(() => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion', created: 1,
        model: 'bench', choices: [{ index: 0, message: { role: 'assistant', content: 'Hello there' },
          finish_reason: 'stop' }], usage }));
    }, delayMs);
  });
}).listen(port, '127.0.0.1');
