// SPDX-License-Identifier: Apache-2.0
// The official openai SDK as a client of the ai plugin, for tests/e2e/AiTest.cpp
// (Ai/Sdk.*): what each call got, as the SDK reports it.
//   node sdk-probe.js '<json>'  with {sdk: "openai" | "openai5", baseURL, token, budgetToken}
// Prints one JSON report; exits by itself after 60 s whatever happens.
const args = JSON.parse(process.argv[2]);
const mod = require(args.sdk);
const OpenAI = mod.OpenAI || mod.default || mod;

setTimeout(() => {
  process.stdout.write(JSON.stringify({ error: 'timed out after 60 s' }));
  process.exit(3);
}, 60000).unref();

const client = (apiKey) => new OpenAI({ apiKey, baseURL: args.baseURL, maxRetries: 0 });
const user = client(args.token);
const ask = (model, extra = {}) => ({
  model,
  messages: [{ role: 'user', content: extra.content || 'hi' }],
  max_tokens: 5,
  ...extra.body,
});

// What a call ended in: its status, the model that answered, or the SDK's error.
async function outcome(promise) {
  try {
    const r = await promise;
    return { status: 200, model: r.model, usage: r.usage || null };
  } catch (e) {
    return { status: e.status, name: e.constructor.name, message: e.message,
             type: e.type ?? (e.error && e.error.type) ?? null };
  }
}

async function streamed(body) {
  const stream = await user.chat.completions.create({ ...body, stream: true });
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  return {
    text: chunks.map((c) => (c.choices[0] && c.choices[0].delta.content) || '').join(''),
    withUsage: chunks.filter((c) => c.usage).length,
    last: chunks[chunks.length - 1],
  };
}

async function main() {
  const report = {};
  // (e) a model's failure rests that model, not its provider: the fallback on the same
  // provider answers, and so does another model of it right after.
  report.flaky = await outcome(user.chat.completions.create(ask('flaky')));
  report.sameProvider = await outcome(user.chat.completions.create(ask('ok')));
  // (a) a fallback the caller's scopes forbid is skipped; a forbidden model is 403.
  report.cheap = await outcome(user.chat.completions.create(ask('cheap')));
  report.secret = await outcome(user.chat.completions.create(ask('secret')));
  // (c) errors the SDK can read.
  report.unknown = await outcome(user.chat.completions.create(ask('gpt-17')));
  report.badKey = await outcome(client('not-a-token').chat.completions.create(ask('ok')));
  report.badParameter = await outcome(
    user.chat.completions.create(ask('ok', { body: { temperature: 'warm' } })));
  // (d) the usage chunk only for a client that asked.
  report.streamPlain = await streamed(ask('ok'));
  report.streamUsage = await streamed(ask('ok', { body: { stream_options: { include_usage: true } } }));
  // (b) 50 calls at once, half of them streamed, against a small daily budget.
  const budget = client(args.budgetToken);
  const long = 'a question long enough that its estimate covers the tokens it is charged';
  const calls = [];
  for (let i = 0; i < 50; i++) {
    const body = ask('ok', { content: `${long} ${i}` });
    calls.push(i % 2
      ? outcome(budget.chat.completions.create(body))
      : outcome((async () => {
        const s = await budget.chat.completions.create({ ...body, stream: true });
        for await (const chunk of s) void chunk;
        return { model: 'ok' };
      })()));
  }
  const results = await Promise.all(calls);
  report.budget = {
    ok: results.filter((r) => r.status === 200).length,
    limited: results.filter((r) => r.status === 429).length,
    other: results.filter((r) => r.status !== 200 && r.status !== 429),
  };
  process.stdout.write(JSON.stringify(report));
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stdout.write(JSON.stringify({ error: String(e && e.stack || e) }));
    process.exit(1);
  },
);
