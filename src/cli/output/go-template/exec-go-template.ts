/**
 * Executes a parsed template against Go-modelled data, with text/template's semantics for the subset
 * parse-go-template.ts accepts: field access on structs and maps (a missing map key prints
 * `<no value>`), `index` (a missing key gives the element's zero value), `len`, comparisons,
 * `and`/`or`/`not`, `print`/`printf`/`println` (fmt verbs %s %v %d %q %t %x %%), truthiness,
 * variables with range/with scoping. Errors name the action, as Go's do. Pure.
 */
import { BadUsageError } from '../../../errors/kinds.ts';
import { GoTime } from './go-time.ts';
import { GoInt, GoMap, GoStruct, type GoValue, goPrint, goTruth, goTypeName } from './go-values.ts';
import type { BlockNode, Operand, Pipeline, TemplateNode } from './parse-go-template.ts';

/** A value, or Go's "invalid" (a missing map key through field access: prints `<no value>`). */
type Value = GoValue | typeof NO_VALUE;
const NO_VALUE = Symbol('no value');

class Scope {
  readonly #vars: Map<string, Value>;
  readonly #parent: Scope | undefined;
  constructor(parent?: Scope, vars: Iterable<[string, Value]> = []) {
    this.#parent = parent;
    this.#vars = new Map(vars);
  }
  get(name: string): Value {
    if (this.#vars.has(name)) return this.#vars.get(name)!;
    if (this.#parent) return this.#parent.get(name);
    throw new BadUsageError(`--format: template: undefined variable "${name}"`);
  }
  set(name: string, value: Value): void {
    this.#vars.set(name, value);
  }
  /** `$x = v`: the nearest scope that declared `$x`. */
  assign(name: string, value: Value): void {
    if (this.#vars.has(name)) this.#vars.set(name, value);
    else if (this.#parent) this.#parent.assign(name, value);
    else throw new BadUsageError(`--format: template: undefined variable "${name}"`);
  }
}

function fail(pipe: Pipeline, message: string): BadUsageError {
  return new BadUsageError(`--format: template: executing at <${pipe.text}>: ${message}`);
}

/** Run `nodes` with `dot` as `.` and `root` as `$`; returns the produced text. */
export function execGoTemplate(nodes: readonly TemplateNode[], dot: GoValue, root: GoValue = dot): string {
  const out: string[] = [];
  walk(nodes, dot, new Scope(undefined, [['$', root]]), out);
  return out.join('');
}

function walk(nodes: readonly TemplateNode[], dot: Value, scope: Scope, out: string[]): void {
  for (const node of nodes) {
    switch (node.kind) {
      case 'text':
        out.push(node.text);
        break;
      case 'action': {
        const value = pipeline(node.pipe, dot, scope);
        if (node.pipe.decl.length === 0) out.push(value === NO_VALUE ? '<no value>' : goPrint(value));
        break;
      }
      case 'if':
      case 'with': {
        const inner = new Scope(scope);
        const value = pipeline(node.pipe, dot, inner);
        const truth = value !== NO_VALUE && goTruth(value);
        if (truth) walk(node.body, node.kind === 'with' ? value : dot, inner, out);
        else walk(node.otherwise, dot, inner, out);
        break;
      }
      case 'range':
        range(node, dot, scope, out);
        break;
    }
  }
}

function range(node: BlockNode, dot: Value, scope: Scope, out: string[]): void {
  const { pipe } = node;
  const value = pipeline({ ...pipe, decl: [] }, dot, scope);
  let items: Array<[GoValue, GoValue]>;
  if (Array.isArray(value)) items = value.map((v, i) => [new GoInt(i), v]);
  else if (value instanceof GoMap)
    items = [...value.entries.keys()].sort().map((k) => [k, value.entries.get(k)!]);
  else if (value === null || value === NO_VALUE) items = [];
  else throw fail(pipe, `range can't iterate over ${goPrint(value)}`);
  if (items.length === 0) {
    walk(node.otherwise, dot, new Scope(scope), out);
    return;
  }
  for (const [key, element] of items) {
    const inner = new Scope(scope);
    if (pipe.decl.length === 1) inner.set(pipe.decl[0]!, element);
    if (pipe.decl.length === 2) {
      inner.set(pipe.decl[0]!, key);
      inner.set(pipe.decl[1]!, element);
    }
    walk(node.body, element, inner, out);
  }
}

function pipeline(pipe: Pipeline, dot: Value, scope: Scope): Value {
  let value: Value | undefined;
  for (const command of pipe.commands) value = evalCommand(pipe, command, dot, scope, value);
  const result = value as Value;
  for (const name of pipe.decl) {
    if (pipe.assign) scope.assign(name, result);
    else scope.set(name, result);
  }
  return result;
}

function evalCommand(
  pipe: Pipeline,
  command: readonly Operand[],
  dot: Value,
  scope: Scope,
  piped: Value | undefined,
): Value {
  const [head, ...rest] = command;
  if (head?.kind === 'function') {
    const args = rest.map((a) => operand(pipe, a, dot, scope));
    if (piped !== undefined) args.push(piped);
    return callFunction(pipe, head.name, args);
  }
  if (rest.length > 0 || piped !== undefined) {
    throw fail(pipe, `can't give argument to non-function ${describe(head!)}`);
  }
  return operand(pipe, head!, dot, scope);
}

function describe(op: Operand): string {
  if (op.kind === 'field') return `.${op.chain.join('.')}`;
  if (op.kind === 'variable') return op.name + op.chain.map((c) => `.${c}`).join('');
  return op.kind;
}

function operand(pipe: Pipeline, op: Operand, dot: Value, scope: Scope): Value {
  switch (op.kind) {
    case 'dot':
      return dot;
    case 'field':
      return fieldChain(pipe, dot, op.chain);
    case 'variable':
      return fieldChain(pipe, scope.get(op.name), op.chain);
    case 'string':
      return op.value;
    case 'number':
      if (!Number.isInteger(op.value))
        throw new BadUsageError(
          `--format: floating-point constant ${op.text} is not supported by ferry's template evaluator`,
        );
      return new GoInt(op.value);
    case 'bool':
      return op.value;
    case 'nil':
      throw fail(pipe, 'nil is not a command');
    case 'function':
      return callFunction(pipe, op.name, []);
    case 'pipe':
      return fieldChain(pipe, pipeline(op.pipe, dot, new Scope(scope)), op.chain);
  }
}

function fieldChain(pipe: Pipeline, start: Value, chain: readonly string[]): Value {
  let value = start;
  for (const name of chain) {
    if (value instanceof GoStruct) {
      if (!value.fields.has(name)) throw fail(pipe, `can't evaluate field ${name} in type ${value.typeName}`);
      value = value.fields.get(name)!;
    } else if (value instanceof GoMap) {
      value = value.entries.has(name) ? value.entries.get(name)! : NO_VALUE;
    } else if (value === null) {
      throw fail(pipe, `nil pointer evaluating ${goTypeName(value)}.${name}`);
    } else if (value instanceof GoTime) {
      throw new BadUsageError(
        `--format: the time.Time method ${name} is not supported by ferry's template evaluator`,
      );
    } else {
      const type = value === NO_VALUE ? 'interface {}' : goTypeName(value);
      throw fail(pipe, `can't evaluate field ${name} in type ${type}`);
    }
  }
  return value;
}

function callFunction(pipe: Pipeline, name: string, args: Value[]): Value {
  const arity = (n: number) => {
    if (args.length !== n) throw fail(pipe, `wrong number of args for ${name}: want ${n} got ${args.length}`);
  };
  const valid = (v: Value): GoValue => {
    if (v === NO_VALUE) throw fail(pipe, `invalid value; expected argument for ${name}`);
    return v;
  };
  switch (name) {
    case 'not':
      arity(1);
      return !goTruth(valid(args[0]!));
    case 'and':
    case 'or': {
      if (args.length < 1) throw fail(pipe, `wrong number of args for ${name}: want at least 1 got 0`);
      for (const a of args) if (goTruth(valid(a)) === (name === 'or')) return a;
      return args.at(-1)!;
    }
    case 'len': {
      arity(1);
      const v = valid(args[0]!);
      if (typeof v === 'string') return new GoInt(Buffer.byteLength(v));
      if (Array.isArray(v)) return new GoInt(v.length);
      if (v instanceof GoMap) return new GoInt(v.entries.size);
      throw fail(pipe, `error calling len: len of type ${goTypeName(v)}`);
    }
    case 'index': {
      if (args.length < 1) throw fail(pipe, 'wrong number of args for index: want at least 1 got 0');
      let v = valid(args[0]!);
      for (const keyArg of args.slice(1)) {
        const key = valid(keyArg);
        if (v instanceof GoMap) {
          if (typeof key !== 'string')
            throw fail(pipe, `error calling index: value has type ${goTypeName(key)}; should be string`);
          v = v.entries.has(key) ? v.entries.get(key)! : v.zero;
        } else if (Array.isArray(v)) {
          if (!(key instanceof GoInt))
            throw fail(pipe, `error calling index: cannot index slice/array with type ${goTypeName(key)}`);
          if (key.value < 0 || key.value >= v.length)
            throw fail(pipe, `error calling index: index out of range: ${key.value}`);
          v = v[key.value]!;
        } else if (typeof v === 'string') {
          // Indexing a string yields a byte (uint8), printed as a number.
          const bytes = Buffer.from(v);
          if (!(key instanceof GoInt))
            throw fail(pipe, `error calling index: cannot index string with type ${goTypeName(key)}`);
          if (key.value < 0 || key.value >= bytes.length)
            throw fail(pipe, `error calling index: index out of range: ${key.value}`);
          v = new GoInt(bytes[key.value]!);
        } else if (v === null) {
          throw fail(pipe, 'error calling index: index of untyped nil');
        } else {
          throw fail(pipe, `error calling index: can't index item of type ${goTypeName(v)}`);
        }
      }
      return v;
    }
    case 'print':
      return sprint(args.map(valid));
    case 'println':
      return `${args.map((a) => goPrint(valid(a))).join(' ')}\n`;
    case 'printf': {
      if (args.length < 1) throw fail(pipe, 'wrong number of args for printf: want at least 1 got 0');
      const format = valid(args[0]!);
      if (typeof format !== 'string') throw fail(pipe, 'printf: format is not a string');
      return sprintf(format, args.slice(1).map(valid));
    }
    case 'eq':
    case 'ne':
    case 'lt':
    case 'le':
    case 'gt':
    case 'ge':
      return compare(pipe, name, args.map(valid));
    default:
      throw fail(pipe, `function "${name}" not defined`);
  }
}

/** fmt.Sprint: spaces only between operands when neither is a string. */
function sprint(args: GoValue[]): string {
  let s = '';
  args.forEach((a, i) => {
    if (i > 0 && typeof a !== 'string' && typeof args[i - 1] !== 'string') s += ' ';
    s += goPrint(a);
  });
  return s;
}

function sprintf(format: string, args: GoValue[]): string {
  let next = 0;
  return (
    format.replace(
      /%([-+# 0]*)(\d*)(?:\.(\d+))?([a-zA-Z%])/g,
      (whole, flags: string, width: string, _precision, verb: string) => {
        if (verb === '%') return '%';
        if (flags !== '' || _precision !== undefined)
          throw new BadUsageError(
            `--format: printf ${whole} (flags and precision) is not supported by ferry's template evaluator`,
          );
        if (next >= args.length) return `%!${verb}(MISSING)`;
        const arg = args[next++]!;
        let text: string;
        switch (verb) {
          case 'v':
          case 's':
            text = goPrint(arg);
            break;
          case 'd':
            text = arg instanceof GoInt ? String(arg.value) : `%!d(${goTypeName(arg)}=${goPrint(arg)})`;
            break;
          case 't':
            text = typeof arg === 'boolean' ? String(arg) : `%!t(${goTypeName(arg)}=${goPrint(arg)})`;
            break;
          case 'q':
            text = typeof arg === 'string' ? JSON.stringify(arg) : `%!q(${goTypeName(arg)}=${goPrint(arg)})`;
            break;
          case 'x':
            text =
              typeof arg === 'string'
                ? Buffer.from(arg).toString('hex')
                : arg instanceof GoInt
                  ? arg.value.toString(16)
                  : `%!x(${goTypeName(arg)}=${goPrint(arg)})`;
            break;
          default:
            throw new BadUsageError(
              `--format: printf verb %${verb} is not supported by ferry's template evaluator`,
            );
        }
        return width ? text.padStart(Number(width)) : text;
      },
    ) +
    (next < args.length
      ? `%!(EXTRA ${args
          .slice(next)
          .map((a) => `${goTypeName(a)}=${goPrint(a)}`)
          .join(', ')})`
      : '')
  );
}

function compare(pipe: Pipeline, name: string, args: GoValue[]): boolean {
  const basic = (v: GoValue): string | number | boolean => {
    if (typeof v === 'string' || typeof v === 'boolean') return v;
    if (v instanceof GoInt) return v.value;
    throw fail(pipe, `error calling ${name}: invalid type for comparison`);
  };
  if (args.length < 2 && name !== 'eq')
    throw fail(pipe, `wrong number of args for ${name}: want 2 got ${args.length}`);
  if (args.length < 2) throw fail(pipe, 'wrong number of args for eq: want at least 2 got 1');
  const a = basic(args[0]!);
  const others = args.slice(1).map(basic);
  for (const b of others) {
    if (typeof a !== typeof b) throw fail(pipe, `error calling ${name}: incompatible types for comparison`);
  }
  if (name === 'eq') return others.some((b) => a === b);
  const b = others[0]!;
  if (name === 'ne') return a !== b;
  if (typeof a === 'boolean') throw fail(pipe, `error calling ${name}: invalid type for comparison`);
  if (name === 'lt') return a < b;
  if (name === 'le') return a <= b;
  if (name === 'gt') return a > b;
  return a >= b;
}
