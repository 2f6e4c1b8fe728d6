import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { redactUrl } from './redact-url.ts';

const DIGEST = `sha256:${'a'.repeat(64)}`;

describe('redactUrl', () => {
  test('upload _state is replaced, digest kept', () => {
    const out = redactUrl(
      `https://reg.example/v2/app/blobs/uploads/3f1c?_state=SECRETSTATE&digest=${DIGEST}`,
    );
    assert.doesNotMatch(out, /SECRETSTATE/);
    const url = new URL(out);
    assert.equal(url.searchParams.get('_state'), 'REDACTED');
    assert.equal(url.searchParams.get('digest'), DIGEST);
    assert.equal(url.pathname, '/v2/app/blobs/uploads/3f1c');
    assert.equal(url.host, 'reg.example');
  });

  test('object-storage signatures are replaced', () => {
    const out = redactUrl(
      'https://bucket.s3.amazonaws.com/docker/blobs/x?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIASECRET&X-Amz-Signature=deadbeefSIG&sig=AZSIG',
    );
    for (const secret of ['deadbeefSIG', 'AKIASECRET', 'AZSIG']) assert.ok(!out.includes(secret), out);
    const url = new URL(out);
    assert.equal(url.searchParams.get('X-Amz-Signature'), 'REDACTED');
    assert.equal(url.searchParams.get('X-Amz-Credential'), 'REDACTED');
    assert.equal(url.searchParams.get('sig'), 'REDACTED');
  });

  test('safe pagination, mount and token params are kept verbatim', () => {
    const input = `https://reg.example/v2/app/tags/list?n=50&last=v1.2&mount=${DIGEST}&from=lib/base&service=reg&scope=repository:app:pull`;
    const url = new URL(redactUrl(input));
    assert.equal(url.searchParams.get('n'), '50');
    assert.equal(url.searchParams.get('last'), 'v1.2');
    assert.equal(url.searchParams.get('mount'), DIGEST);
    assert.equal(url.searchParams.get('from'), 'lib/base');
    assert.equal(url.searchParams.get('service'), 'reg');
    assert.equal(url.searchParams.get('scope'), 'repository:app:pull');
    // Nothing to redact: the URL comes back as the URL parser prints it.
    assert.equal(redactUrl(input), new URL(input).href);
  });

  test('userinfo is stripped', () => {
    const out = redactUrl('https://bob:hunter2@reg.example:5000/v2/');
    assert.equal(out, 'https://reg.example:5000/v2/');
    assert.equal(redactUrl('https://tokenonly@reg.example/v2/'), 'https://reg.example/v2/');
  });

  test('accepts URL objects without mutating them', () => {
    const input = new URL('https://u:p@reg.example/v2/x?_state=S');
    const out = redactUrl(input);
    assert.equal(out, 'https://reg.example/v2/x?_state=REDACTED');
    assert.equal(input.href, 'https://u:p@reg.example/v2/x?_state=S');
  });

  test('invalid URL → placeholder, never the input', () => {
    assert.equal(redactUrl('not a url ?_state=SECRET'), '<invalid url>');
    assert.equal(redactUrl(''), '<invalid url>');
  });
});
