/**
 * The Go values a --format template sees, and how `fmt.Fprint` (text/template's printing of an
 * action's value) renders them: slices as `[a b]`, maps as `map[k:v]` with sorted keys, structs as
 * `{v1 v2}`, a nil pointer as `<nil>`. Go's nil slices and maps print like empty ones, so they are
 * modelled as empty.
 */
import { GoTime } from './go-time.ts';

export class GoStruct {
  readonly typeName: string;
  readonly fields: ReadonlyMap<string, GoValue>;
  constructor(typeName: string, fields: ReadonlyArray<readonly [string, GoValue]>) {
    this.typeName = typeName;
    this.fields = new Map(fields);
  }
}

export class GoMap {
  readonly typeName: string;
  readonly entries: ReadonlyMap<string, GoValue>;
  /** The zero value of the element type (`index` of a missing key returns it). */
  readonly zero: GoValue;
  constructor(entries: Iterable<readonly [string, GoValue]>, zero: GoValue, typeName = 'map[string]string') {
    this.entries = new Map(entries);
    this.zero = zero;
    this.typeName = typeName;
  }
}

/** A Go int (kept apart from JS numbers so `printf "%d"` and comparisons know it is an integer). */
export class GoInt {
  readonly value: number;
  constructor(value: number) {
    this.value = value;
  }
}

export type GoValue = string | boolean | GoInt | null | GoTime | GoStruct | GoMap | readonly GoValue[];

export function goTypeName(v: GoValue): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (v === null) return 'nil';
  if (v instanceof GoInt) return 'int';
  if (v instanceof GoTime) return 'time.Time';
  if (v instanceof GoStruct) return v.typeName;
  if (v instanceof GoMap) return v.typeName;
  return '[]string';
}

/** `fmt.Sprint(v)`. */
export function goPrint(v: GoValue): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return String(v);
  if (v === null) return '<nil>';
  if (v instanceof GoInt) return String(v.value);
  if (v instanceof GoTime) return v.toString();
  if (v instanceof GoStruct) return `{${[...v.fields.values()].map(goPrint).join(' ')}}`;
  if (v instanceof GoMap) {
    const keys = [...v.entries.keys()].sort();
    return `map[${keys.map((k) => `${k}:${goPrint(v.entries.get(k)!)}`).join(' ')}]`;
  }
  return `[${v.map(goPrint).join(' ')}]`;
}

/** text/template truth: false, 0, nil, and empty strings, slices and maps are false. */
export function goTruth(v: GoValue): boolean {
  if (typeof v === 'string') return v !== '';
  if (typeof v === 'boolean') return v;
  if (v === null) return false;
  if (v instanceof GoInt) return v.value !== 0;
  if (v instanceof GoMap) return v.entries.size > 0;
  if (Array.isArray(v)) return v.length > 0;
  return true;
}

/** Strings and string slices/maps from JSON-ish data. */
export function stringSlice(list: readonly string[] | null | undefined): readonly GoValue[] {
  return list ?? [];
}

export function stringMap(map: Readonly<Record<string, string>> | null | undefined): GoMap {
  return new GoMap(Object.entries(map ?? {}), '');
}
