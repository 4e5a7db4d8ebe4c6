// SPDX-License-Identifier: Apache-2.0
// An independent JWT implementation for the tests (panva's jose, Debian's node-jose): verifies
// what porticod signs and signs what an attacker would send. Reads one JSON request from the
// file named on the command line and prints the result on stdout:
//   {"op":"verify","jwks":{...},"token":"...","issuer":"...","audience":"..."} -> payload JSON
//   {"op":"sign","alg":"ES256|RS256|HS256|none","key":"PEM or secret","header":{},"payload":{}}
//                                                                             -> compact token
// Exits 3 with the reason on stderr when verification fails.
'use strict';
const fs = require('fs');
const jose = require('jose');

function b64url(text) {
  return Buffer.from(text).toString('base64url');
}

async function sign(req) {
  const header = { ...req.header, alg: req.alg };
  if (req.alg === 'none') {
    return `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(req.payload))}.`;
  }
  const key = req.alg === 'HS256' ? new TextEncoder().encode(req.key)
                                  : await jose.importPKCS8(req.key, req.alg);
  return new jose.SignJWT(req.payload).setProtectedHeader(header).sign(key);
}

async function verify(req) {
  const keys = jose.createLocalJWKSet(req.jwks);
  const { payload } = await jose.jwtVerify(req.token, keys, {
    issuer: req.issuer,
    audience: req.audience,
    algorithms: ['ES256', 'RS256'],
  });
  return JSON.stringify(payload);
}

(async () => {
  const req = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const out = req.op === 'sign' ? await sign(req) : await verify(req);
  process.stdout.write(out);
})().catch((e) => {
  process.stderr.write(`${e.code || 'error'}: ${e.message}\n`);
  process.exit(3);
});
