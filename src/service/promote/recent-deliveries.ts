/**
 * Delivery ids this replica recorded lately (bounded, oldest forgotten first), so a webhook
 * redelivered to the same replica is answered without resolving its tag again. Only a shortcut: the
 * store's unique delivery ids stay the source of truth for every other case.
 */
export class RecentDeliveries {
  readonly #ids = new Set<string>();
  readonly #capacity: number;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  add(kind: string, id: string): void {
    const key = `${kind}\u0000${id}`;
    this.#ids.delete(key);
    this.#ids.add(key);
    if (this.#ids.size > this.#capacity) {
      const oldest = this.#ids.values().next().value;
      if (oldest !== undefined) this.#ids.delete(oldest);
    }
  }

  has(kind: string, id: string): boolean {
    return this.#ids.has(`${kind}\u0000${id}`);
  }
}
