import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BadUsageError } from '../errors/kinds.ts';
import { formatPlatform, parsePlatform, platformMatches } from './platform.ts';

describe('parsePlatform', () => {
  test('os/arch and os/arch/variant', () => {
    assert.deepEqual(parsePlatform('linux/amd64'), {
      os: 'linux',
      architecture: 'amd64',
      variant: undefined,
    });
    assert.deepEqual(parsePlatform('linux/arm/v7'), { os: 'linux', architecture: 'arm', variant: 'v7' });
    assert.deepEqual(parsePlatform('windows/amd64'), {
      os: 'windows',
      architecture: 'amd64',
      variant: undefined,
    });
    assert.deepEqual(parsePlatform('Linux/AMD64'), {
      os: 'linux',
      architecture: 'amd64',
      variant: undefined,
    });
  });

  test('aliases aarch64, x86_64 and x86-64', () => {
    assert.equal(parsePlatform('linux/aarch64').architecture, 'arm64');
    assert.equal(parsePlatform('linux/x86_64').architecture, 'amd64');
    assert.equal(parsePlatform('linux/x86-64').architecture, 'amd64');
    assert.equal(parsePlatform('linux/AArch64/v8').architecture, 'arm64');
  });

  test('bad input → FERRY_E_BAD_USAGE naming the value', () => {
    for (const bad of [
      'linux',
      '',
      'linux/',
      '/amd64',
      'linux//v7',
      'linux/amd64/v8/x',
      'linux/amd 64',
      'linux/amd64\n',
    ]) {
      assert.throws(
        () => parsePlatform(bad),
        (err: unknown) => {
          assert.ok(err instanceof BadUsageError, JSON.stringify(bad));
          assert.equal(err.code, 'FERRY_E_BAD_USAGE');
          assert.ok(err.message.includes(JSON.stringify(bad)), err.message);
          assert.match(err.message, /os\/arch\[\/variant\]/);
          return true;
        },
      );
    }
  });

  test('variant is case-folded like os and arch (containerd normalises all three)', () => {
    const spec = parsePlatform('linux/arm/V7');
    assert.equal(spec.variant, 'v7');
    assert.equal(platformMatches(spec, { os: 'linux', architecture: 'arm', variant: 'v7' }), true);
  });
});

describe('platformMatches', () => {
  const amd64 = { os: 'linux', architecture: 'amd64' };
  const arm64 = { os: 'linux', architecture: 'arm64' };
  const arm64v8 = { os: 'linux', architecture: 'arm64', variant: 'v8' };
  const armv7 = { os: 'linux', architecture: 'arm', variant: 'v7' };
  const armv6 = { os: 'linux', architecture: 'arm', variant: 'v6' };
  const armNoVariant = { os: 'linux', architecture: 'arm' };

  test('os and architecture must agree', () => {
    assert.equal(platformMatches(parsePlatform('linux/amd64'), amd64), true);
    assert.equal(platformMatches(parsePlatform('linux/amd64'), arm64), false);
    assert.equal(platformMatches(parsePlatform('windows/amd64'), amd64), false);
    assert.equal(platformMatches(parsePlatform('linux/amd64'), undefined), false);
    assert.equal(
      platformMatches(parsePlatform('linux/amd64'), { os: 'unknown', architecture: 'unknown' }),
      false,
    );
  });

  test('the descriptor architecture is normalised too', () => {
    assert.equal(
      platformMatches(parsePlatform('linux/arm64'), { os: 'linux', architecture: 'aarch64' }),
      true,
    );
    assert.equal(
      platformMatches(parsePlatform('linux/amd64'), { os: 'linux', architecture: 'x86_64' }),
      true,
    );
  });

  test('no variant requested: any variant matches', () => {
    const arm = parsePlatform('linux/arm');
    assert.equal(platformMatches(arm, armv7), true);
    assert.equal(platformMatches(arm, armv6), true);
    assert.equal(platformMatches(arm, armNoVariant), true);
    assert.equal(platformMatches(parsePlatform('linux/arm64'), arm64v8), true);
  });

  test('variant requested: must be equal', () => {
    const v7 = parsePlatform('linux/arm/v7');
    assert.equal(platformMatches(v7, armv7), true);
    assert.equal(platformMatches(v7, armv6), false);
    assert.equal(platformMatches(v7, armNoVariant), false, 'arm has no default variant');
  });

  test('arm64 without a variant counts as v8', () => {
    assert.equal(platformMatches(parsePlatform('linux/arm64/v8'), arm64), true);
    assert.equal(platformMatches(parsePlatform('linux/arm64/v8'), arm64v8), true);
    assert.equal(platformMatches(parsePlatform('linux/aarch64/v8'), arm64), true);
    assert.equal(platformMatches(parsePlatform('linux/arm64/v9'), arm64), false);
    assert.equal(platformMatches(parsePlatform('linux/arm64/v9'), { ...arm64, variant: 'v9' }), true);
  });
});

describe('formatPlatform', () => {
  test('os/arch[/variant], unknown when absent', () => {
    assert.equal(formatPlatform({ os: 'linux', architecture: 'amd64' }), 'linux/amd64');
    assert.equal(formatPlatform({ os: 'linux', architecture: 'arm', variant: 'v7' }), 'linux/arm/v7');
    assert.equal(formatPlatform(parsePlatform('linux/x86_64')), 'linux/amd64');
    assert.equal(formatPlatform(undefined), 'unknown');
  });
});
