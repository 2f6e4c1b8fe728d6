import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FerryError } from '../errors/ferry-error.ts';
import { redactUrl } from './redact-url.ts';
import { isTemporaryStatus, parseErrorBody, RegistryError } from './registry-error.ts';

describe('parseErrorBody', () => {
  test('the spec JSON body: code and message kept, detail dropped', () => {
    const body = JSON.stringify({
      errors: [
        { code: 'MANIFEST_UNKNOWN', message: 'manifest unknown', detail: { Tag: 'v9' } },
        { code: 'DENIED', message: 'requested access to the resource is denied' },
      ],
    });
    assert.deepEqual(parseErrorBody(`\n ${body}\n`), {
      errors: [
        { code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' },
        { code: 'DENIED', message: 'requested access to the resource is denied' },
      ],
      fallback: '',
    });
  });

  test('odd entries: missing code → UNKNOWN, missing message → empty, non-objects skipped, long messages cut', () => {
    const body = JSON.stringify({
      errors: [
        { message: 'x' },
        { code: 'UNSUPPORTED' },
        'junk',
        null,
        { code: 'X', message: 'm'.repeat(1000) },
      ],
    });
    const { errors, fallback } = parseErrorBody(body);
    assert.equal(fallback, '');
    assert.deepEqual(errors.slice(0, 2), [
      { code: 'UNKNOWN', message: 'x' },
      { code: 'UNSUPPORTED', message: '' },
    ]);
    assert.equal(errors.length, 3);
    assert.equal(errors[2]?.message.length, 300);
  });

  test('plain text: the first line, truncated to 200 characters', () => {
    assert.deepEqual(parseErrorBody('Too Many Requests\nretry later\n'), {
      errors: [],
      fallback: 'Too Many Requests',
    });
    const long = parseErrorBody(`${'x'.repeat(500)}\nsecond`);
    assert.equal(long.fallback, 'x'.repeat(200));
    assert.deepEqual(parseErrorBody(''), { errors: [], fallback: '' });
  });

  test('malformed JSON or JSON without errors falls back to text', () => {
    assert.deepEqual(parseErrorBody('{"errors": [\nmore'), { errors: [], fallback: '{"errors": [' });
    assert.deepEqual(parseErrorBody('{"message":"nope"}'), { errors: [], fallback: '{"message":"nope"}' });
    assert.deepEqual(parseErrorBody('{"errors":"denied"}'), { errors: [], fallback: '{"errors":"denied"}' });
  });

  test('CRLF bodies: the first line carries no carriage return', () => {
    assert.equal(parseErrorBody('Bad Gateway\r\nupstream gone\r\n').fallback, 'Bad Gateway');
  });
});

describe('RegistryError', () => {
  const url = redactUrl('https://u:pw@reg.example/v2/app/blobs/uploads/1?_state=SECRET&digest=sha256:1');

  test('401/403 → FERRY_E_AUTH, 404 → FERRY_E_NOT_FOUND, others → FERRY_E_REGISTRY', () => {
    const codeOf = (status: number) => new RegistryError('GET', url, status, [], '').code;
    assert.equal(codeOf(401), 'FERRY_E_AUTH');
    assert.equal(codeOf(403), 'FERRY_E_AUTH');
    assert.equal(codeOf(404), 'FERRY_E_NOT_FOUND');
    for (const s of [400, 405, 409, 416, 429, 500, 502, 503])
      assert.equal(codeOf(s), 'FERRY_E_REGISTRY', String(s));
  });

  test('temporary for 408, 429 and 5xx only; an explicit option wins', () => {
    const temp = (status: number) => new RegistryError('GET', url, status, [], '').temporary;
    for (const s of [408, 429, 500, 502, 503, 504]) assert.equal(temp(s), true, String(s));
    for (const s of [400, 401, 403, 404, 409, 416]) assert.equal(temp(s), false, String(s));
    assert.equal(new RegistryError('GET', url, 503, [], '', { temporary: false }).temporary, false);
    assert.equal(new RegistryError('GET', url, 400, [], '', { temporary: true }).temporary, true);
    assert.equal(isTemporaryStatus(599), true);
    assert.equal(isTemporaryStatus(499), false);
  });

  test('message: method, redacted url, status and the registry codes', () => {
    const { errors, fallback } = parseErrorBody(
      JSON.stringify({
        errors: [{ code: 'BLOB_UPLOAD_INVALID', message: 'blob upload invalid' }, { code: 'SIZE_INVALID' }],
      }),
    );
    const err = new RegistryError('PUT', url, 400, errors, fallback);
    assert.ok(err instanceof FerryError);
    assert.equal(err.message, `PUT ${url}: 400 BLOB_UPLOAD_INVALID: blob upload invalid; SIZE_INVALID`);
    assert.doesNotMatch(err.message, /SECRET|pw/);
    assert.match(err.message, /_state=REDACTED/);
    assert.equal(err.status, 400);
    assert.equal(err.method, 'PUT');
    assert.equal(err.url, url);
    assert.equal(err.hasRegistryCode('SIZE_INVALID'), true);
    assert.equal(err.hasRegistryCode('DENIED'), false);
  });

  test('message falls back to the body text, then to a status text', () => {
    assert.equal(new RegistryError('GET', url, 429, [], 'slow down').message, `GET ${url}: 429 slow down`);
    assert.equal(new RegistryError('GET', url, 429, [], '').message, `GET ${url}: 429 too many requests`);
    assert.equal(new RegistryError('HEAD', url, 404, [], '').message, `HEAD ${url}: 404 not found`);
    assert.equal(new RegistryError('GET', url, 401, [], '').message, `GET ${url}: 401 unauthorized`);
    assert.equal(new RegistryError('GET', url, 403, [], '').message, `GET ${url}: 403 forbidden`);
    assert.equal(new RegistryError('GET', url, 502, [], '').message, `GET ${url}: 502 unexpected status`);
  });

  test('keeps the cause', () => {
    const cause = new Error('root');
    assert.equal(new RegistryError('GET', url, 500, [], '', { cause }).cause, cause);
  });
});
