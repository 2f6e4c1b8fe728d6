'use strict';
/*
 * The least any Node.js program can do for a no-op copy: GET the source manifest and HEAD the
 * destination's (in parallel, plain HTTP, node:http whose parser is native), and compare the SHA-256 of
 * the one with the digest header of the other. No option parsing, auth, TLS, retries or policy.
 * bench/node-floor.ts times it beside skopeo's no-op: its ratio is the floor for any copier on Node
 * on this machine. CommonJS on purpose: an ESM `import 'node:http'` costs more (it evaluates every
 * lazy export of the module namespace).
 * Usage: node node-floor.cjs SOURCE_MANIFEST_URL DESTINATION_MANIFEST_URL — exit 0 when equal.
 */
const http = require('node:http');
const { createHash } = require('node:crypto');

const ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

function exchange(method, url) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers: { accept: ACCEPT } }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const [source, destination] = process.argv.slice(2);
Promise.all([exchange('GET', source), exchange('HEAD', destination)]).then(
  ([src, dest]) => {
    const digest = `sha256:${createHash('sha256').update(src.body).digest('hex')}`;
    const same =
      src.status === 200 && dest.status === 200 && dest.headers['docker-content-digest'] === digest;
    process.exit(same ? 0 : 1);
  },
  (err) => {
    process.stderr.write(`node-floor: ${err.message}\n`);
    process.exit(2);
  },
);
