import { spawnSync } from 'node:child_process';
import { median } from './stats.ts';
import { FERRY_BIN } from './tools.ts';

/** Median wall time of `ferry --version` (issue target: ≤ 120 ms), run `runs` times after one warm-up. */
export function measureStartup(runs = 15): { ferryMs: number | undefined } {
  const times: number[] = [];
  spawnSync(FERRY_BIN, ['--version']); // warm the page cache and V8's compile cache
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const result = spawnSync(FERRY_BIN, ['--version'], { encoding: 'utf8' });
    if (result.status === 0) times.push(performance.now() - started);
  }
  return { ferryMs: median(times) };
}
