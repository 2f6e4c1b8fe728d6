import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BadReferenceError } from '../errors/kinds.ts';
import { parseReference, tryParseReference, withDefaultTag } from './parse-reference.ts';

const SHA256 = `sha256:${'f'.repeat(64)}`;
const SHA512 = `sha512:${'a'.repeat(128)}`;

interface ValidCase {
  input: string;
  registry: string;
  repository: string;
  tag?: string;
  digest?: string;
}

// Drawn from distribution/reference reference_test.go + normalize_test.go, with skopeo's
// (containers/image) normalisation applied.
const valid: ValidCase[] = [
  { input: 'ubuntu', registry: 'docker.io', repository: 'library/ubuntu' },
  { input: 'ubuntu:22.04', registry: 'docker.io', repository: 'library/ubuntu', tag: '22.04' },
  { input: 'docker.io/ubuntu', registry: 'docker.io', repository: 'library/ubuntu' },
  { input: 'index.docker.io/foo/bar', registry: 'docker.io', repository: 'foo/bar' },
  { input: 'index.docker.io/debian', registry: 'docker.io', repository: 'library/debian' },
  { input: 'registry-1.docker.io/debian', registry: 'docker.io', repository: 'library/debian' },
  { input: 'docker.io/library/foo/bar', registry: 'docker.io', repository: 'library/foo/bar' },
  { input: 'docker/docker', registry: 'docker.io', repository: 'docker/docker' },
  { input: 'test_com/foo', registry: 'docker.io', repository: 'test_com/foo' },
  { input: 'test_com', registry: 'docker.io', repository: 'library/test_com' },
  { input: 'localhost/foo', registry: 'localhost', repository: 'foo' },
  { input: 'localhost:5000/foo', registry: 'localhost:5000', repository: 'foo' },
  // Bare `localhost` (no slash) is a Hub name, as upstream (normalize.go FIXME).
  { input: 'localhost:5000', registry: 'docker.io', repository: 'library/localhost', tag: '5000' },
  { input: 'test.com:5000', registry: 'docker.io', repository: 'library/test.com', tag: '5000' },
  { input: 'test:5000/repo', registry: 'test:5000', repository: 'repo' },
  { input: 'test-com:8080/foo', registry: 'test-com:8080', repository: 'foo' },
  {
    input: `foo/bar:tag@${SHA256}`,
    registry: 'docker.io',
    repository: 'foo/bar',
    tag: 'tag',
    digest: SHA256,
  },
  { input: `test:5000/repo@${SHA256}`, registry: 'test:5000', repository: 'repo', digest: SHA256 },
  { input: `busybox@${SHA512}`, registry: 'docker.io', repository: 'library/busybox', digest: SHA512 },
  { input: 'foo__bar', registry: 'docker.io', repository: 'library/foo__bar' },
  { input: 'foo---bar', registry: 'docker.io', repository: 'library/foo---bar' },
  { input: 'dock__er/docker', registry: 'docker.io', repository: 'dock__er/docker' },
  { input: 'd/docker', registry: 'docker.io', repository: 'd/docker' },
  { input: '127.0.0.1:5000/a/b', registry: '127.0.0.1:5000', repository: 'a/b' },
  { input: '192.168.1.1/repo', registry: '192.168.1.1', repository: 'repo' },
  { input: '192.168.1.1:5000/repo:5050', registry: '192.168.1.1:5000', repository: 'repo', tag: '5050' },
  { input: '[::1]:5000/x', registry: '[::1]:5000', repository: 'x' },
  { input: '[2001:db8::1]/repo', registry: '[2001:db8::1]', repository: 'repo' },
  {
    input: `[2001:db8::1]:5000/repo:tag@${SHA256}`,
    registry: '[2001:db8::1]:5000',
    repository: 'repo',
    tag: 'tag',
    digest: SHA256,
  },
  { input: 'Example.COM/foo', registry: 'Example.COM', repository: 'foo' },
  {
    input: 'sub-dom1.foo.com/bar/baz/quux:some-long-tag',
    registry: 'sub-dom1.foo.com',
    repository: 'bar/baz/quux',
    tag: 'some-long-tag',
  },
  {
    input: 'b.gcr.io/test.example.com/my-app:test.example.com',
    registry: 'b.gcr.io',
    repository: 'test.example.com/my-app',
    tag: 'test.example.com',
  },
  { input: 'xn--n3h.com:18080/foo', registry: 'xn--n3h.com:18080', repository: 'foo' },
  { input: 'lowercase:Uppercase', registry: 'docker.io', repository: 'library/lowercase', tag: 'Uppercase' },
  { input: 'foo:_tag', registry: 'docker.io', repository: 'library/foo', tag: '_tag' },
  { input: `foo:${'t'.repeat(128)}`, registry: 'docker.io', repository: 'library/foo', tag: 't'.repeat(128) },
  // With a registry, a 64-hex name is a name, not an image ID.
  { input: `docker.io/${'1a'.repeat(32)}`, registry: 'docker.io', repository: `library/${'1a'.repeat(32)}` },
  // 255 characters in total, counting the registry.
  { input: `example.com/${'a'.repeat(243)}`, registry: 'example.com', repository: 'a'.repeat(243) },
];

interface InvalidCase {
  input: string;
  reason: RegExp;
}

const invalid: InvalidCase[] = [
  { input: '', reason: /reference is empty/ },
  { input: 'Foo', reason: /repository name must be lowercase/ },
  { input: 'Uppercase:tag', reason: /must be lowercase/ },
  // distribution/reference takes an uppercase first component as a domain; skopeo's fork does not.
  { input: 'Foo/bar', reason: /must be lowercase/ },
  { input: 'docker/Docker', reason: /must be lowercase/ },
  { input: 'test:5000/Uppercase/lowercase:tag', reason: /must be lowercase/ },
  { input: 'a..b', reason: /path component "a\.\.b" is invalid: separator "\.\." is not allowed/ },
  { input: 'dock_.er/docker', reason: /registry host "dock_\.er" is invalid: label "dock_"/ },
  { input: 'docker/dock_.er', reason: /separator "_\." is not allowed/ },
  { input: 'foo___bar', reason: /separator "___" is not allowed/ },
  { input: '-foo', reason: /"-foo" is invalid: must start with a lowercase letter or digit/ },
  { input: 'foo-', reason: /"foo-" is invalid: must end with a lowercase letter or digit/ },
  { input: '-docker/docker', reason: /must start with a lowercase letter or digit/ },
  { input: '_docker/_docker', reason: /must start/ },
  { input: '-docker.io/docker/docker', reason: /registry host "-docker\.io" is invalid: label "-docker"/ },
  { input: 'docker///docker', reason: /empty path component/ },
  { input: 'docker/', reason: /empty path component/ },
  { input: 'example.com/', reason: /empty path component/ },
  { input: '/foo', reason: /empty path component/ },
  { input: 'a..com/foo', reason: /empty label/ },
  { input: ':justtag', reason: /repository name is empty/ },
  { input: `@${SHA256}`, reason: /repository name is empty/ },
  { input: 'foo:', reason: /tag is empty/ },
  { input: 'foo@', reason: /digest is empty/ },
  { input: 'foo:-tag', reason: /tag "-tag" is invalid: must start with a letter, digit or "_"/ },
  { input: 'foo:.tag', reason: /tag "\.tag" is invalid/ },
  { input: `foo:${'t'.repeat(129)}`, reason: /tag "t+…" is invalid: longer than 128 characters \(129\)/ },
  { input: `foo@md5:${'f'.repeat(32)}`, reason: /algorithm "md5" is not supported/ },
  {
    input: `foo@invaliddigest:${'f'.repeat(64)}`,
    reason: /algorithm "invaliddigest" is not supported/,
  },
  { input: 'foo@sha256:abc', reason: /sha256 digest must be 64 lowercase hex characters \(got 3\)/ },
  { input: `foo@sha256:${'F'.repeat(64)}`, reason: /got uppercase hex/ },
  { input: `foo@sha256:${'g'.repeat(64)}`, reason: /got non-hex/ },
  { input: `foo@sha512:${'f'.repeat(64)}`, reason: /sha512 digest must be 128/ },
  { input: 'foo@latest', reason: /expected "algorithm:hex"/ },
  { input: `foo@${SHA256}@${SHA256}`, reason: /more than one "@"/ },
  { input: 'example.com:notaport/x', reason: /port must be a number \(got "notaport"/ },
  { input: 'example.com:/x', reason: /empty port/ },
  { input: 'example.com:99999/x', reason: /port 99999 is out of range/ },
  { input: ':5000/x', reason: /registry host is empty|repository name is empty/ },
  { input: '[2001:db8::1]', reason: /IPv6 registry address must be followed by "\/"/ },
  { input: '[2001:db8::1]:5000', reason: /IPv6 registry address must be followed/ },
  { input: '[fe80::1%eth0]:5000/repo', reason: /"%"/ },
  { input: '[2001:db8:3:4::192.0.2.33]:5000/debian', reason: /IPv6 address .* is invalid/ },
  { input: '[::1/x', reason: /missing "\]"/ },
  { input: 'fc00::1:5000/debian', reason: /port must be a number \(got ":1:5000"/ },
  { input: '1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a', reason: /image ID/ },
  { input: `${'a'.repeat(256)}`, reason: /name longer than 255 characters/ },
  { input: `domain/${'a'.repeat(256)}:tag`, reason: /name longer than 255 characters/ },
  { input: `example.com/${'a'.repeat(244)}`, reason: /name longer than 255 characters \(256/ },
  { input: 'https://github.com/docker/docker', reason: /URL scheme \("https:\/\/"\)/ },
  { input: 'docker://ubuntu', reason: /URL scheme/ },
  { input: 'aa/asdf$$^/aa', reason: /character "\$"/ },
  // Shell metacharacters, whitespace and control characters: the seed system interpolated references
  // into shell commands, so each of these must be refused outright.
  { input: 'foo$(id)', reason: /character "\$"/ },
  { input: 'foo;rm -rf', reason: /character ";"/ },
  { input: 'foo`id`', reason: /character "`"/ },
  { input: 'foo|bar', reason: /character "\|"/ },
  { input: 'foo&bar', reason: /character "&"/ },
  { input: 'foo>bar', reason: /character ">"/ },
  { input: "foo'bar", reason: /character "'"/ },
  { input: 'foo"bar', reason: /character """/ },
  { input: 'foo\\bar', reason: /character "\\"/ },
  { input: 'foo*', reason: /character "\*"/ },
  { input: 'foo bar', reason: /whitespace/ },
  { input: ' foo', reason: /whitespace/ },
  { input: 'foo\tbar', reason: /whitespace/ },
  { input: 'foo\nbar', reason: /control character \(U\+000A\)/ },
  { input: 'foo:tag\r', reason: /control character \(U\+000D\)/ },
  { input: 'foo\u0000', reason: /control character \(U\+0000\)/ },
  { input: 'foo\u001b[31m', reason: /control character \(U\+001B\)/ },
  { input: 'foo\u007f', reason: /control character \(U\+007F\)/ },
  { input: 'fóo', reason: /non-ASCII character \(U\+00F3\)/ },
  { input: 'foo/../bar', reason: /path component "\.\." is invalid: must start/ },
  { input: '../etc/passwd', reason: /registry host "\.\." .*empty label|path component/ },
  { input: 'foo/bar:baz/qux', reason: /path component "bar:baz" is invalid: contains ":"/ },
  { input: 'x'.repeat(2000), reason: /longer than 1024 characters/ },
];

describe('parseReference', () => {
  for (const c of valid) {
    test(`accepts ${JSON.stringify(c.input.length > 80 ? `${c.input.slice(0, 80)}…` : c.input)}`, () => {
      const ref = parseReference(c.input);
      assert.equal(ref.registry, c.registry);
      assert.equal(ref.repository, c.repository);
      assert.equal(ref.tag, c.tag);
      assert.equal(ref.digest, c.digest);
      assert.ok(Object.isFrozen(ref));
    });
  }

  for (const c of invalid) {
    test(`rejects ${JSON.stringify(c.input.length > 80 ? `${c.input.slice(0, 80)}…` : c.input)}`, () => {
      assert.throws(
        () => parseReference(c.input),
        (err: unknown) => {
          assert.ok(err instanceof BadReferenceError, `expected BadReferenceError, got ${String(err)}`);
          assert.equal(err.code, 'FERRY_E_BAD_REFERENCE');
          assert.match(err.message, c.reason);
          return true;
        },
      );
    });
  }

  test('omits absent tag and digest keys rather than setting them to undefined', () => {
    assert.deepEqual(Object.keys(parseReference('ubuntu')), ['registry', 'repository']);
  });

  test('error messages never echo a user:password@ credential', () => {
    for (const input of [
      'admin:hunter2@registry.example.com/app:1',
      'https://admin:hunter2@registry.example.com/app',
      'admin:hunter2@registry.example.com',
    ]) {
      assert.throws(
        () => parseReference(input),
        (err: unknown) => {
          assert.ok(err instanceof BadReferenceError);
          assert.doesNotMatch(err.message, /hunter2/);
          assert.doesNotMatch(err.value, /hunter2/);
          assert.match(err.message, /credentials/);
          assert.match(err.message, /admin:\*\*\*@registry\.example\.com/);
          return true;
        },
      );
    }
  });

  test('error messages escape terminal control sequences and cap the length', () => {
    const err = catchBadReference(() => parseReference('foo\u009b31m\u001b[0m'));
    assert.ok(
      ![...err.message].some(
        (c) => c.charCodeAt(0) < 0x20 || (c.charCodeAt(0) >= 0x7f && c.charCodeAt(0) <= 0x9f),
      ),
    );
    const long = catchBadReference(() => parseReference(`${'a'.repeat(5000)}`));
    assert.ok(long.message.length < 500, `message is ${long.message.length} characters`);
  });

  test('tryParseReference returns the reason without throwing', () => {
    assert.deepEqual(tryParseReference('Foo'), { ok: false, reason: 'repository name must be lowercase' });
    const ok = tryParseReference('quay.io/a/b:1');
    assert.ok(ok.ok);
    assert.equal(ok.ref.repository, 'a/b');
  });
});

describe('withDefaultTag', () => {
  test('adds latest only when there is neither tag nor digest', () => {
    assert.equal(withDefaultTag(parseReference('ubuntu')).tag, 'latest');
    assert.equal(withDefaultTag(parseReference('ubuntu:22.04')).tag, '22.04');
    const digested = withDefaultTag(parseReference(`ubuntu@${SHA256}`));
    assert.equal(digested.tag, undefined);
    assert.equal(digested.digest, SHA256);
  });
});

function catchBadReference(fn: () => unknown): BadReferenceError {
  try {
    fn();
  } catch (err) {
    if (err instanceof BadReferenceError) return err;
    throw err;
  }
  assert.fail('expected a BadReferenceError');
}
