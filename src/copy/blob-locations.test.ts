import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BlobLocations } from './blob-locations.ts';

const A = `sha256:${'a'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;

describe('BlobLocations', () => {
  test('has() is keyed by registry, repository and digest', () => {
    const loc = new BlobLocations();
    assert.equal(loc.has('reg.example', 'team/app', A), false);
    loc.add('reg.example', 'team/app', A);
    assert.equal(loc.has('reg.example', 'team/app', A), true);
    assert.equal(loc.has('reg.example', 'team/app', B), false);
    assert.equal(loc.has('reg.example', 'team/other', A), false);
    assert.equal(loc.has('other.example', 'team/app', A), false);
  });

  test('find() returns another repository on the same registry holding the digest', () => {
    const loc = new BlobLocations();
    loc.add('reg.example', 'team/app', A);
    assert.equal(loc.find('reg.example', A, 'team/next'), 'team/app');
    assert.equal(loc.find('reg.example', A, 'team/app'), undefined, 'never the repository itself');
    assert.equal(loc.find('other.example', A, 'team/next'), undefined, 'never across registries');
    assert.equal(loc.find('reg.example', B, 'team/next'), undefined);
    loc.add('reg.example', 'team/second', A);
    assert.equal(loc.find('reg.example', A, 'team/app'), 'team/second');
    assert.ok(['team/app', 'team/second'].includes(loc.find('reg.example', A, 'x') ?? ''));
  });

  test('adding twice is harmless', () => {
    const loc = new BlobLocations();
    loc.add('r', 'p', A);
    loc.add('r', 'p', A);
    assert.equal(loc.has('r', 'p', A), true);
    assert.equal(loc.find('r', A, 'p'), undefined);
  });
});

test('a transfer in flight is visible until it ends, and only its own end clears it', async () => {
  const locations = new BlobLocations();
  assert.equal(locations.inFlight('reg', 'sha256:a'), undefined);
  const end = locations.beginTransfer('reg', 'sha256:a');
  const pending = locations.inFlight('reg', 'sha256:a');
  assert.ok(pending);
  assert.equal(locations.inFlight('other', 'sha256:a'), undefined);
  let settled = false;
  pending.then(() => {
    settled = true;
  });
  await Promise.resolve();
  assert.equal(settled, false);
  end();
  await pending;
  assert.equal(settled, true);
  assert.equal(locations.inFlight('reg', 'sha256:a'), undefined);
  // A late end() of an older transfer must not hide a newer one.
  const second = locations.beginTransfer('reg', 'sha256:a');
  end();
  assert.ok(locations.inFlight('reg', 'sha256:a'));
  second();
  assert.equal(locations.inFlight('reg', 'sha256:a'), undefined);
});

test('placements are tracked per repository', async () => {
  const locations = new BlobLocations();
  const end = locations.beginPlacing('reg', 'team/a', 'sha256:x');
  assert.ok(locations.placing('reg', 'team/a', 'sha256:x'));
  assert.equal(locations.placing('reg', 'team/b', 'sha256:x'), undefined);
  assert.equal(locations.inFlight('reg', 'sha256:x'), undefined, 'a placement is not a transfer');
  end();
  assert.equal(locations.placing('reg', 'team/a', 'sha256:x'), undefined);
});
