import { setFlagsFromString } from 'node:v8';

/**
 * Keeps V8 from optimising WebAssembly in the background while a short command runs, and keeps that
 * optimising compile small when a long transfer does trigger it.
 *
 * Why: undici parses HTTP with llhttp compiled to WebAssembly. After a few responses V8 compiles its hot
 * functions with TurboFan on a background thread, and `process.exit()` waits for that job. A short
 * command (a no-op copy, `inspect`, `digest`) never runs the optimised code but paid ~30 ms at exit for it
 * (strace: the main thread joining a busy V8 worker) and ~20 MiB of peak RSS for the compiler's memory.
 *
 * So the tier-up budget is raised from V8's default (1.8 million) to 60 million: the dozen responses of
 * a short command stay on baseline (Liftoff) code, a long transfer still gets optimised parsing early.
 * Never tiering up at all is worse for big copies: the 1 GiB layer peaked at ~103 MiB RSS on baseline
 * code against ~92–97 MiB with the optimised parser (bench/results.md, big-layer).
 *
 * Measured on 2 cores (no-op copy at 50 ms RTT / 1 GiB layer peak RSS): default budget ~205 ms / 92 MiB,
 * 18 million ~200 ms / 92 MiB, 60 million ~172 ms / 97 MiB, never ~165 ms / 103 MiB.
 *
 * Not for `ferry serve`: the embedded database is PostgreSQL compiled to WebAssembly, and a long-running
 * process wants it optimised. The flag is process-wide (worker threads included), so the caller decides.
 * It is set after start-up on purpose: V8 flags on the command line invalidate Node's start-up snapshot
 * and the compile cache (measured: +30 ms); set here, the budget applies to modules compiled afterwards.
 *
 * The optimising compile itself was the 1 GiB copy's memory peak: it happens in the first ~50 ms of the
 * transfer, and its loop-unrolling phase grows one compiler zone to ~12.5 MiB (1.8 + 3.6 + 7.1 MiB
 * segments, seen with `strace -k`: mmap from turboshaft::LoopUnrollingPhase on a V8 worker thread), on
 * top of the streaming buffers. Without loop unrolling the peak went from 92-98 MiB to 88-89 MiB over 5
 * runs each (RssAnon + RssFile sampled every 2 ms), and the peak moved to the end of the copy; wall time
 * did not change measurably (HTTP parsing is a small share of a copy's CPU).
 */
export function delayWasmTierUp(): void {
  setFlagsFromString('--wasm-tiering-budget=60000000');
  setFlagsFromString('--no-wasm-loop-unrolling');
}
