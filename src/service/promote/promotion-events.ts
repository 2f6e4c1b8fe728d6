import type { PromotionUpdate } from './promotion-service.ts';

export type PromotionListener = (update: PromotionUpdate) => void;

function promotionIdOf(update: PromotionUpdate): string | null {
  switch (update.type) {
    case 'status':
      return update.promotion.id;
    case 'audit':
      return update.event.promotionId;
    case 'progress':
      return update.promotionId;
  }
}

/**
 * In-process fan-out of promotion updates (status changes, audit events, copy progress) to the server-sent
 * events of the API and the dashboard. One per engine, never a module singleton. Updates are published
 * only after the transaction that produced them committed, so a listener never sees a rolled-back step.
 *
 * Listeners run synchronously in publish order; one that throws is reported and does not stop the others
 * or the worker that published.
 */
export class PromotionEvents {
  readonly #byId = new Map<string, Set<PromotionListener>>();
  readonly #all = new Set<PromotionListener>();
  readonly #onListenerError: (err: unknown) => void;

  constructor(options: { onListenerError?: ((err: unknown) => void) | undefined } = {}) {
    this.#onListenerError = options.onListenerError ?? (() => {});
  }

  /** `id` undefined: every promotion. Returns the unsubscribe function (idempotent). */
  subscribe(id: string | undefined, listener: PromotionListener): () => void {
    // Wrapped so the same function subscribed twice gets two independent subscriptions.
    const entry: PromotionListener = (update) => listener(update);
    if (id === undefined) {
      this.#all.add(entry);
      return () => {
        this.#all.delete(entry);
      };
    }
    let set = this.#byId.get(id);
    if (!set) {
      set = new Set();
      this.#byId.set(id, set);
    }
    set.add(entry);
    return () => {
      const current = this.#byId.get(id);
      if (!current) return;
      current.delete(entry);
      if (current.size === 0) this.#byId.delete(id);
    };
  }

  publish(update: PromotionUpdate): void {
    const id = promotionIdOf(update);
    const targets = [...(id === null ? [] : (this.#byId.get(id) ?? [])), ...this.#all];
    for (const listener of targets) {
      try {
        listener(update);
      } catch (err) {
        this.#onListenerError(err);
      }
    }
  }

  /** Subscriptions currently held (for tests and a leak gauge). */
  get listenerCount(): number {
    let n = this.#all.size;
    for (const set of this.#byId.values()) n += set.size;
    return n;
  }
}
