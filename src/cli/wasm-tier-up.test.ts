import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

test('the wasm tier-up flags are ones this V8 knows (an unknown flag is reported on stderr)', () => {
  const module = fileURLToPath(new URL('./wasm-tier-up.ts', import.meta.url));
  const script = `import(${JSON.stringify(module)}).then((m) => m.delayWasmTierUp())`;
  const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  assert.equal(run.status, 0);
  assert.equal(run.stderr, '');
  // The check itself can fail: V8 does complain about flags it does not know.
  const unknown = spawnSync(
    process.execPath,
    ['-e', "require('node:v8').setFlagsFromString('--no-such-ferry-flag')"],
    {
      encoding: 'utf8',
    },
  );
  assert.match(unknown.stderr, /unrecognized flag/);
});
