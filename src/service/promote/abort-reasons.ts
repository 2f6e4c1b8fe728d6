/**
 * Why a running promotion's copy was aborted; passed as the AbortSignal's reason so the worker settles
 * the promotion accordingly instead of treating the abort as a copy failure.
 */
export type AbortReason =
  /** An API cancel on this replica: the promotion becomes cancelled. */
  | { readonly kind: 'cancel'; readonly actor: string }
  /** ferry is stopping and the grace period ran out: the promotion goes back to queued. */
  | { readonly kind: 'shutdown' }
  /** The job's lease lapsed (another replica may own it now): leave everything to the new owner. */
  | { readonly kind: 'lease-lost' }
  /** Someone else moved the promotion out of `running` (a cancel on another replica). */
  | { readonly kind: 'status-changed'; readonly status: string };

export function abortReasonOf(signal: AbortSignal): AbortReason | undefined {
  if (!signal.aborted) return undefined;
  const reason: unknown = signal.reason;
  if (typeof reason === 'object' && reason !== null && 'kind' in reason) return reason as AbortReason;
  return { kind: 'shutdown' };
}
