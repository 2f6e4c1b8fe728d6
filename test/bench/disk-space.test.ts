import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { diskNeeded, diskShortfall } from '../../bench/disk-space.ts';
import { FULL, QUICK } from '../../bench/profile.ts';
import { SCENARIO_IDS } from '../../bench/scenarios.ts';

const GiB = 1024 ** 3;

describe('bench disk-space check', () => {
  test('the full run needs room for every big-layer copy of both tools', () => {
    const all = diskNeeded(FULL, SCENARIO_IDS);
    // 2 tools × 5 runs + warm-up of a 1 GiB layer, the layer twice more (fixture, source registry).
    assert.ok(all >= (2 * FULL.bigLayerIterations + 3) * FULL.bigLayerBytes, `${all / GiB} GiB`);
    assert.ok(all < 20 * GiB, `${all / GiB} GiB`);
  });

  test('fewer scenarios need less; quick needs far less than full', () => {
    const all = diskNeeded(FULL, SCENARIO_IDS);
    const noop = diskNeeded(FULL, ['noop']);
    assert.ok(noop < all / 4, `${noop / GiB} vs ${all / GiB} GiB`);
    assert.ok(diskNeeded(QUICK, SCENARIO_IDS) < all / 4);
  });

  test('enough space: no complaint; too little: a message naming the directory and both figures', async () => {
    assert.equal(await diskShortfall('/data', 10 * GiB, async () => 11 * GiB), undefined);
    const message = await diskShortfall('/data', 13.8 * GiB, async () => 4.3 * GiB);
    assert.ok(message);
    assert.match(message, /13\.8 GiB free in \/data/);
    assert.match(message, /has 4\.3 GiB/);
    assert.match(message, /--only/);
  });

  test('reads the real filesystem', async () => {
    assert.equal(await diskShortfall('/', 1), undefined);
    assert.ok(await diskShortfall('/', Number.MAX_SAFE_INTEGER));
  });
});
