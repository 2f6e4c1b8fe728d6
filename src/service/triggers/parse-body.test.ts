import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TriggerError, TriggerErrorCode } from '../../api/trigger-error.ts';
import { bodyFormatOf, parseBody, parseContentType } from './parse-body.ts';

const BOTH = { formats: ['json', 'yaml'] } as const;
const JSON_ONLY = { formats: ['json'] } as const;

function fails(fn: () => unknown, code: string, status: number, message?: RegExp): TriggerError {
  let caught: unknown;
  assert.throws(fn, (err) => {
    caught = err;
    return true;
  });
  assert.ok(caught instanceof TriggerError, String(caught));
  assert.equal(caught.code, code);
  assert.equal(caught.status, status);
  if (message !== undefined) assert.match(caught.message, message);
  return caught;
}

const body = (text: string) => Buffer.from(text, 'utf8');

describe('content types', () => {
  test('parseContentType lower-cases the type and reads charset', () => {
    assert.deepEqual(parseContentType('Application/JSON; Charset="UTF-8"'), {
      mediaType: 'application/json',
      charset: 'utf-8',
    });
    assert.deepEqual(parseContentType('application/yaml'), {
      mediaType: 'application/yaml',
      charset: undefined,
    });
    assert.equal(parseContentType(undefined), undefined);
    assert.equal(parseContentType(' ; charset=utf-8'), undefined);
  });

  test('bodyFormatOf knows JSON, +json, and the YAML names in use', () => {
    assert.equal(bodyFormatOf('application/json'), 'json');
    assert.equal(bodyFormatOf('application/vnd.docker.distribution.events.v2+json'), 'json');
    assert.equal(bodyFormatOf('application/vnd.docker.distribution.events.v1+json'), 'json');
    for (const t of [
      'application/yaml',
      'application/x-yaml',
      'text/yaml',
      'text/x-yaml',
      'application/foo+yaml',
    ]) {
      assert.equal(bodyFormatOf(t), 'yaml', t);
    }
    for (const t of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'text/json',
      'application/jsonx',
      'multipart/form-data',
    ]) {
      assert.equal(bodyFormatOf(t), undefined, t);
    }
  });
});

describe('parseBody: JSON', () => {
  test('parses JSON with or without a UTF-8 charset and a BOM', () => {
    assert.deepEqual(parseBody(body('{"a":[1,"x"]}'), 'application/json', JSON_ONLY), { a: [1, 'x'] });
    assert.deepEqual(parseBody(body('{"a":1}'), 'application/json; charset=utf-8', JSON_ONLY), { a: 1 });
    assert.deepEqual(parseBody(body('\ufeff{"a":1}'), 'application/json', JSON_ONLY), { a: 1 });
    assert.deepEqual(
      parseBody(body('{"events":[]}'), 'application/vnd.docker.distribution.events.v2+json', JSON_ONLY),
      {
        events: [],
      },
    );
  });

  test('a __proto__ key stays an own property and pollutes nothing', () => {
    const parsed = parseBody(
      body('{"__proto__":{"polluted":true}}'),
      'application/json',
      JSON_ONLY,
    ) as object;
    assert.ok(Object.hasOwn(parsed, '__proto__'));
    assert.equal(({} as { polluted?: boolean }).polluted, undefined);
  });

  test('syntax errors give line and column but never echo the body', () => {
    const secret = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789';
    const err = fails(
      () => parseBody(body(`{\n  "env": {\n    "TOKEN": ${secret}\n  }\n}`), 'application/json', JSON_ONLY),
      TriggerErrorCode.MalformedBody,
      400,
      /not valid JSON at line 3, column 14: unexpected 'g'/,
    );
    assert.doesNotMatch(err.message, /ghp_|abcdef/);
    fails(
      () => parseBody(body('{\n "a": 1\n "b": 2}'), 'application/json', JSON_ONLY),
      TriggerErrorCode.MalformedBody,
      400,
      /line 3, column 2: Expected ',' or '}' after property value$/,
    );
    fails(
      () => parseBody(body('{"a": 1'), 'application/json', JSON_ONLY),
      TriggerErrorCode.MalformedBody,
      400,
      /line 1, column 8/,
    );
    fails(
      () => parseBody(body('[1,2,,3]'), 'application/json', JSON_ONLY),
      TriggerErrorCode.MalformedBody,
      400,
      /column 6: unexpected ','$/,
    );
  });

  test('a long garbage body produces a short message', () => {
    const err = fails(
      () => parseBody(body(`{"a": ${'z'.repeat(5000)}}`), 'application/json', JSON_ONLY),
      TriggerErrorCode.MalformedBody,
      400,
    );
    assert.ok(err.message.length < 120, err.message);
  });

  test('empty, whitespace-only and non-UTF-8 bodies are 400', () => {
    fails(
      () => parseBody(body(''), 'application/json', JSON_ONLY),
      TriggerErrorCode.MalformedBody,
      400,
      /empty/,
    );
    fails(
      () => parseBody(body(' \n'), 'application/json', JSON_ONLY),
      TriggerErrorCode.MalformedBody,
      400,
      /empty/,
    );
    fails(
      () => parseBody(Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d]), 'application/json', JSON_ONLY),
      TriggerErrorCode.MalformedBody,
      400,
      /not valid UTF-8/,
    );
  });

  test('415 for a missing, foreign or non-UTF-8 Content-Type; YAML refused where only JSON is accepted', () => {
    fails(
      () => parseBody(body('{}'), undefined, JSON_ONLY),
      TriggerErrorCode.UnsupportedMediaType,
      415,
      /Content-Type is required \(send application\/json\)/,
    );
    fails(
      () => parseBody(body('{}'), 'application/x-www-form-urlencoded', JSON_ONLY),
      TriggerErrorCode.UnsupportedMediaType,
      415,
      /"application\/x-www-form-urlencoded" is not accepted/,
    );
    fails(
      () => parseBody(body('a: 1'), 'application/yaml', JSON_ONLY),
      TriggerErrorCode.UnsupportedMediaType,
      415,
    );
    fails(
      () => parseBody(body('{}'), 'application/json; charset=iso-8859-1', JSON_ONLY),
      TriggerErrorCode.UnsupportedMediaType,
      415,
      /charset/,
    );
    const err = fails(
      () => parseBody(body('{}'), `text/${'\u001b'.repeat(200)}`, BOTH),
      TriggerErrorCode.UnsupportedMediaType,
      415,
    );
    assert.ok(!err.message.includes('\u001b'));
    assert.match(err.message, /application\/json or application\/yaml/);
  });

  test('413 before anything else when the body is over the limit', () => {
    fails(
      () => parseBody(body('{"a":1}'), 'text/plain', { formats: ['json'], maxBytes: 3 }),
      TriggerErrorCode.BodyTooLarge,
      413,
    );
    fails(
      () => parseBody(Buffer.alloc(64 * 1024 + 1, 0x20), 'application/json', JSON_ONLY),
      TriggerErrorCode.BodyTooLarge,
      413,
    );
  });
});

describe('parseBody: YAML', () => {
  test('parses YAML, including JSON sent as YAML', () => {
    const yaml = 'env:\n  - name: IMAGE_NAME\n    value: myapp\n  - name: GIT_COMMIT\n    value: "0123456"\n';
    assert.deepEqual(parseBody(body(yaml), 'application/yaml', BOTH), {
      env: [
        { name: 'IMAGE_NAME', value: 'myapp' },
        { name: 'GIT_COMMIT', value: '0123456' },
      ],
    });
    assert.deepEqual(parseBody(body('{"a": "b"}'), 'text/yaml', BOTH), { a: 'b' });
    assert.deepEqual(parseBody(body('a: 1\n...\n'), 'application/x-yaml', BOTH), { a: 1 });
  });

  test('YAML 1.2 core schema: yes/no and dates stay strings; unquoted numbers are numbers', () => {
    assert.deepEqual(parseBody(body('a: yes\nb: 2001-12-14\nc: 0123456\nd: ~'), 'application/yaml', BOTH), {
      a: 'yes',
      b: '2001-12-14',
      c: 123456,
      d: null,
    });
  });

  test('syntax errors give line and column without quoting the body', () => {
    const err = fails(
      () => parseBody(body('env:\n  - name: X\n   value: s3cr3t-t0ken'), 'application/yaml', BOTH),
      TriggerErrorCode.MalformedBody,
      400,
      /not valid YAML at line 3, column \d+: .*\(MISSING_CHAR\)/,
    );
    assert.doesNotMatch(err.message, /s3cr3t/);
    fails(
      () => parseBody(body('a: b: c'), 'application/yaml', BOTH),
      TriggerErrorCode.MalformedBody,
      400,
      /line 1, column 4/,
    );
    fails(
      () => parseBody(body('a: 1\na: 2'), 'application/yaml', BOTH),
      TriggerErrorCode.MalformedBody,
      400,
      /DUPLICATE_KEY/,
    );
  });

  test('refuses aliases, tags and multiple documents', () => {
    fails(
      () => parseBody(body('a: &x [1, 2]\nb: *x'), 'application/yaml', BOTH),
      TriggerErrorCode.MalformedBody,
      400,
      /line 2, column 4: aliases/,
    );
    const lol = `a: &a ["x","x"]\nb: &b [*a,*a]\nc: &c [*b,*b]\nd: [*c,*c]`;
    fails(
      () => parseBody(body(lol), 'application/yaml', BOTH),
      TriggerErrorCode.MalformedBody,
      400,
      /aliases/,
    );
    for (const tagged of [
      'a: !!binary aGVsbG8=',
      'a: !custom x',
      'a: !!set {x}',
      'a: !!timestamp 2001-12-14',
    ]) {
      const err = fails(
        () => parseBody(body(tagged), 'application/yaml', BOTH),
        TriggerErrorCode.MalformedBody,
        400,
        /tags .* are not allowed/,
      );
      assert.doesNotMatch(err.message, /custom|binary/);
    }
    fails(
      () => parseBody(body('a: 1\n---\nb: 2\n'), 'application/yaml', BOTH),
      TriggerErrorCode.MalformedBody,
      400,
      /line 2, column 1: only one document/,
    );
  });

  test('a comment-only document is an empty body', () => {
    fails(
      () => parseBody(body('# nothing\n'), 'application/yaml', BOTH),
      TriggerErrorCode.MalformedBody,
      400,
      /empty/,
    );
  });
});
