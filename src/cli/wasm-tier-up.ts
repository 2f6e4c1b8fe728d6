import { setFlagsFromString } from 'node:v8';

/**
 * Keeps V8 from optimising WebAssembly in the background for the rest of this process.
 *
 * Why: undici parses HTTP with llhttp compiled to WebAssembly. After a few responses V8 starts compiling
 * its hot functions with TurboFan on a background thread, and `process.exit()` waits for that job to
 * finish. A short command (a no-op copy, `inspect`, `digest`) never runs the optimised code but paid
 * ~30 ms at exit for it (measured with strace: the main thread joining a busy V8 worker; a no-op copy at
 * 50 ms RTT went from ~205 to ~172 ms). The baseline (Liftoff) code stays: llhttp hands body bytes over in
 * spans, so even a 1 GiB blob costs it next to nothing (bench/results.md, big-layer).
 *
 * Not for `ferry serve`: the embedded database is PostgreSQL compiled to WebAssembly, and a long-running
 * process wants it optimised. The flag is process-wide (worker threads included), so the caller decides.
 * It is set after start-up on purpose: V8 flags on the command line invalidate Node's start-up snapshot
 * and the compile cache (measured: +30 ms), this does not.
 */
export function disableWasmTierUp(): void {
  setFlagsFromString('--wasm-tiering-budget=2147483647');
}
