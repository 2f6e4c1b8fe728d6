/**
 * Go's rendering of a `time.Time` parsed from an RFC 3339 string (image config `created`):
 * `MarshalJSON` (RFC 3339 with nanoseconds, trailing zeros dropped — what `skopeo inspect` prints as
 * "Created") and `String()` (`2006-01-02 15:04:05.999999999 -0700 MST` — what `{{.Created}}` prints
 * in a --format template). Zone names: `Z` parses to UTC; any other offset to an unnamed zone,
 * which Go prints as the numeric offset twice (`+0200 +0200`).
 */

export class GoTime {
  readonly #date: string;
  readonly #clock: string;
  /** Fraction digits without trailing zeros ('' when none). */
  readonly #fraction: string;
  /** '' for UTC, else `+hh:mm` / `-hh:mm`. */
  readonly #offset: string;

  private constructor(date: string, clock: string, fraction: string, offset: string) {
    this.#date = date;
    this.#clock = clock;
    this.#fraction = fraction;
    this.#offset = offset;
  }

  /** undefined when `text` is not RFC 3339 (Go's json.Unmarshal would fail on it). */
  static parse(text: string): GoTime | undefined {
    const m = /^(\d{4}-\d{2}-\d{2})[Tt](\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})$/.exec(text);
    if (!m) return undefined;
    const fraction = (m[3] ?? '').replace(/0+$/, '');
    const zone = m[4]!;
    return new GoTime(m[1]!, m[2]!, fraction, zone === 'Z' || zone === 'z' ? '' : zone);
  }

  /** `time.Time.MarshalJSON` (RFC3339Nano). */
  toJSON(): string {
    return `${this.#date}T${this.#clock}${this.#fraction ? `.${this.#fraction}` : ''}${this.#offset || 'Z'}`;
  }

  /** `time.Time.String()`. */
  toString(): string {
    const zone =
      this.#offset === '' ? '+0000 UTC' : `${this.#offset.replace(':', '')} ${this.#offset.replace(':', '')}`;
    return `${this.#date} ${this.#clock}${this.#fraction ? `.${this.#fraction}` : ''} ${zone}`;
  }
}
