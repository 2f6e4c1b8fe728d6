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
 * So the tier-up budget (V8's default is 13 million in Node 24: "a rough approximation of bytes
 * executed") is raised to 600 million. In practice it is spent in proportion to the response bytes
 * streamed, so it acts as a transfer size: at 60 million (the earlier setting) the parser was optimised in the
 * middle of a single 32 MiB layer (`--trace-wasm-compilation-times`: wasm-function#20, 33 KB of wasm,
 * one TurboFan compile), at 600 million not before ~32 MiB but still within a 256 MiB layer. An
 * incremental copy that moves one 32 MiB layer saved 120-160 ms of CPU (median of 9 interleaved runs:
 * 822 → 700 ms user+sys at load 16-19 on 2 cores; 7 runs: 817 → 658 ms at load 14); a 256 MiB layer
 * still tiers up and peaked at 87-93 MiB RSS either way (2 runs each).
 * Never tiering up at all is worse for big copies: the 1 GiB layer peaked at ~103 MiB RSS on baseline
 * code against ~92–97 MiB with the optimised parser (bench/results.md, big-layer).
 *
 * Earlier, on 2 cores (no-op copy at 50 ms RTT / 1 GiB layer peak RSS): V8's then default budget ~205 ms / 92 MiB,
 * 18 million ~200 ms / 92 MiB, 60 million ~172 ms / 97 MiB, never ~165 ms / 103 MiB.
 *
 * Not for `ferry serve`: the embedded database is PostgreSQL compiled to WebAssembly, and a long-running
 * process wants it optimised. The flag is process-wide (worker threads included), so the caller decides.
 * It is set after start-up on purpose: V8 flags on the command line invalidate Node's start-up snapshot
 * and the compile cache (measured: +30 ms); set here, the budget applies to modules compiled afterwards.
 *
 * The optimising compile itself was the 1 GiB copy's memory peak: at a budget of 60 million it happened
 * in the first ~50 ms of the transfer, and its loop-unrolling phase grows one compiler zone to ~12.5 MiB (1.8 + 3.6 + 7.1 MiB
 * segments, seen with `strace -k`: mmap from turboshaft::LoopUnrollingPhase on a V8 worker thread), on
 * top of the streaming buffers. Without loop unrolling the peak went from 92-98 MiB to 88-89 MiB over 5
 * runs each (RssAnon + RssFile sampled every 2 ms), and the peak moved to the end of the copy; wall time
 * did not change measurably (HTTP parsing is a small share of a copy's CPU).
 */
export function delayWasmTierUp(): void {
  setFlagsFromString('--wasm-tiering-budget=600000000');
  setFlagsFromString('--no-wasm-loop-unrolling');
}
