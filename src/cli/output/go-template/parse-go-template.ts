/**
 * A parser for the subset of Go's text/template that `skopeo inspect --format` users write: text,
 * `{{.Field.Chain}}`, variables (`$`, `$x`, `{{$x := …}}`), string/number/bool literals, pipelines
 * (`a | b`), parenthesised pipelines, `if`/`else if`/`else`, `range` (with `$v :=` / `$k, $v :=`
 * and `else`), `with`, comments and the `{{-`/`-}}` trim markers. Everything else is refused by
 * name: `define`, `template`, `block`, `break`, `continue` as not supported by ferry; functions Go
 * does not define either (`json`, `join`, …: skopeo's template has no extra functions) with Go's
 * own message. Pure.
 */
import { BadUsageError } from '../../../errors/kinds.ts';

export type Operand =
  | { readonly kind: 'dot' }
  | { readonly kind: 'field'; readonly chain: readonly string[] }
  | { readonly kind: 'variable'; readonly name: string; readonly chain: readonly string[] }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'number'; readonly value: number; readonly text: string }
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'nil' }
  | { readonly kind: 'function'; readonly name: string }
  | { readonly kind: 'pipe'; readonly pipe: Pipeline; readonly chain: readonly string[] };

export interface Pipeline {
  /** Variables declared (`$x :=`) or, in range, `$k, $v :=`; or assigned (`$x =`, see `assign`). */
  readonly decl: readonly string[];
  /** `$x = …`: `decl` names an existing variable to set, not a new one. */
  readonly assign?: boolean;
  readonly commands: readonly (readonly Operand[])[];
  /** Source text, for error messages (`at <.Foo>`). */
  readonly text: string;
}

export interface BlockNode {
  readonly kind: 'if' | 'with' | 'range';
  readonly pipe: Pipeline;
  readonly body: readonly TemplateNode[];
  readonly otherwise: readonly TemplateNode[];
}

export type TemplateNode =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'action'; readonly pipe: Pipeline }
  | BlockNode;

/** Functions Go's text/template defines. */
export const IMPLEMENTED_FUNCTIONS = new Set([
  'and',
  'or',
  'not',
  'len',
  'index',
  'print',
  'printf',
  'println',
  'eq',
  'ne',
  'lt',
  'le',
  'gt',
  'ge',
]);
const UNIMPLEMENTED_BUILTINS = new Set(['call', 'html', 'js', 'slice', 'urlquery']);
const UNSUPPORTED_KEYWORDS = new Set(['define', 'template', 'block', 'break', 'continue']);

function refuse(what: string): BadUsageError {
  return new BadUsageError(`--format: ${what} is not supported by ferry's template evaluator`);
}

function syntax(message: string): BadUsageError {
  return new BadUsageError(`--format: template: ${message}`);
}

type Token =
  | { t: 'field'; chain: string[] }
  | { t: 'dot' }
  | { t: 'var'; name: string; chain: string[] }
  | { t: 'string'; value: string }
  | { t: 'number'; value: number; text: string }
  | { t: 'ident'; name: string }
  | { t: '(' | ')' | '|' | ':=' | '=' | ',' }
  | { t: 'chain'; chain: string[] };

const IDENT = /[A-Za-z_][A-Za-z0-9_]*/y;

function lexAction(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const readChain = (): string[] => {
    const chain: string[] = [];
    while (src[i] === '.' && /[A-Za-z_]/.test(src[i + 1] ?? '')) {
      IDENT.lastIndex = i + 1;
      const m = IDENT.exec(src)!;
      chain.push(m[0]);
      i = IDENT.lastIndex;
    }
    return chain;
  };
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '.') {
      if (/[A-Za-z_]/.test(src[i + 1] ?? '')) tokens.push({ t: 'field', chain: readChain() });
      else if (/[0-9]/.test(src[i + 1] ?? '')) i = lexNumber(src, i, tokens);
      else {
        tokens.push({ t: 'dot' });
        i++;
      }
    } else if (c === '$') {
      IDENT.lastIndex = i + 1;
      const m = IDENT.exec(src);
      const name = m && m.index === i + 1 ? m[0] : '';
      i += 1 + name.length;
      tokens.push({ t: 'var', name: `$${name}`, chain: readChain() });
    } else if (c === '"') {
      let j = i + 1;
      while (j < src.length && src[j] !== '"') {
        if (src[j] === '\n') throw syntax('unterminated quoted string');
        j += src[j] === '\\' ? 2 : 1;
      }
      if (j >= src.length) throw syntax('unterminated quoted string');
      tokens.push({ t: 'string', value: unquote(src.slice(i, j + 1)) });
      i = j + 1;
    } else if (c === '`') {
      const j = src.indexOf('`', i + 1);
      if (j === -1) throw syntax('unterminated raw quoted string');
      tokens.push({ t: 'string', value: src.slice(i + 1, j) });
      i = j + 1;
    } else if (c === "'") {
      throw refuse('a character constant');
    } else if (/[0-9+-]/.test(c)) {
      i = lexNumber(src, i, tokens);
    } else if (/[A-Za-z_]/.test(c)) {
      IDENT.lastIndex = i;
      const m = IDENT.exec(src)!;
      i = IDENT.lastIndex;
      tokens.push({ t: 'ident', name: m[0] });
    } else if (c === ':' && src[i + 1] === '=') {
      tokens.push({ t: ':=' });
      i += 2;
    } else if (c === '(' || c === ')' || c === '|' || c === '=' || c === ',') {
      tokens.push({ t: c });
      i++;
      if (c === ')' && src[i] === '.') tokens.push({ t: 'chain', chain: readChain() });
    } else {
      throw syntax(`unexpected ${JSON.stringify(c)} in command`);
    }
  }
  return tokens;
}

function lexNumber(src: string, start: number, tokens: Token[]): number {
  const m = /[+-]?(?:0[xX][0-9a-fA-F_]+|(?:\d[\d_]*)?(?:\.\d*)?(?:[eE][+-]?\d+)?)/y;
  m.lastIndex = start;
  const found = m.exec(src);
  const text = found?.[0] ?? '';
  if (text === '' || text === '+' || text === '-' || text === '.')
    throw syntax(`bad number syntax: ${JSON.stringify(src.slice(start, start + 10))}`);
  tokens.push({ t: 'number', value: Number(text.replaceAll('_', '')), text });
  return start + text.length;
}

/** A Go interpreted string literal (raw control characters other than newline are allowed in Go). */
function unquote(literal: string): string {
  try {
    return JSON.parse(
      literal
        // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are the subject
        .replace(/[\u0000-\u001f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
        .replace(/\\x([0-9a-fA-F]{2})/g, '\\u00$1')
        .replace(/\\a/g, '\\u0007')
        .replace(/\\v/g, '\\u000b'),
    ) as string;
  } catch {
    throw syntax(`invalid syntax in string ${literal}`);
  }
}

class ActionParser {
  readonly #tokens: Token[];
  #pos = 0;
  readonly #text: string;
  constructor(tokens: Token[], text: string) {
    this.#tokens = tokens;
    this.#text = text;
  }

  peek(): Token | undefined {
    return this.#tokens[this.#pos];
  }

  done(): boolean {
    return this.#pos >= this.#tokens.length;
  }

  pipeline(allowDecl: 'none' | 'one' | 'two'): Pipeline {
    const decl: string[] = [];
    let assign = false;
    if (allowDecl !== 'none') {
      const save = this.#pos;
      const vars: string[] = [];
      while (this.peek()?.t === 'var') {
        const v = this.#tokens[this.#pos++] as { t: 'var'; name: string; chain: string[] };
        if (v.chain.length > 0) break;
        vars.push(v.name);
        if (this.peek()?.t === ',' && allowDecl === 'two' && vars.length === 1) {
          this.#pos++;
          continue;
        }
        break;
      }
      const op = this.peek()?.t;
      if (vars.length > 0 && (op === ':=' || op === '=')) {
        this.#pos++;
        decl.push(...vars);
        assign = op === '=';
      } else {
        this.#pos = save;
      }
    }
    const commands: Operand[][] = [];
    for (;;) {
      const command: Operand[] = [];
      while (!this.done() && this.peek()!.t !== '|' && this.peek()!.t !== ')') command.push(this.operand());
      if (command.length === 0) throw syntax(`missing value for command in ${JSON.stringify(this.#text)}`);
      commands.push(command);
      if (this.peek()?.t !== '|') break;
      this.#pos++;
    }
    return { decl, assign, commands, text: this.#text };
  }

  operand(): Operand {
    const tok = this.#tokens[this.#pos++]!;
    switch (tok.t) {
      case 'dot':
        return { kind: 'dot' };
      case 'field':
        return { kind: 'field', chain: tok.chain };
      case 'var':
        return { kind: 'variable', name: tok.name, chain: tok.chain };
      case 'string':
        return { kind: 'string', value: tok.value };
      case 'number':
        return { kind: 'number', value: tok.value, text: tok.text };
      case 'ident':
        return identifier(tok.name);
      case '(': {
        const pipe = this.pipeline('one');
        if (this.#tokens[this.#pos++]?.t !== ')') throw syntax('unclosed left paren');
        let chain: string[] = [];
        if (this.peek()?.t === 'chain') chain = (this.#tokens[this.#pos++] as { chain: string[] }).chain;
        return { kind: 'pipe', pipe, chain };
      }
      default:
        throw syntax(`unexpected "${tok.t}" in operand`);
    }
  }
}

function identifier(name: string): Operand {
  if (name === 'true' || name === 'false') return { kind: 'bool', value: name === 'true' };
  if (name === 'nil') return { kind: 'nil' };
  if (UNSUPPORTED_KEYWORDS.has(name)) throw refuse(`{{${name}}}`);
  if (UNIMPLEMENTED_BUILTINS.has(name)) throw refuse(`the ${JSON.stringify(name)} function`);
  if (!IMPLEMENTED_FUNCTIONS.has(name)) throw syntax(`function ${JSON.stringify(name)} not defined`);
  return { kind: 'function', name };
}

interface Frame {
  readonly kind: 'root' | 'if' | 'with' | 'range';
  readonly pipe: Pipeline | undefined;
  body: TemplateNode[];
  otherwise: TemplateNode[] | undefined;
  /** `else if` chains close together with one {{end}}. */
  readonly closesParent: boolean;
}

/** Parse `source` (already normalised: skopeo's `\n`/`\t` replacement done by the caller). */
export function parseGoTemplate(source: string): TemplateNode[] {
  const stack: Frame[] = [
    { kind: 'root', pipe: undefined, body: [], otherwise: undefined, closesParent: false },
  ];
  const out = () => {
    const top = stack.at(-1)!;
    return top.otherwise ?? top.body;
  };
  let i = 0;
  let trimNext = false;
  while (i < source.length) {
    const open = source.indexOf('{{', i);
    let text = source.slice(i, open === -1 ? source.length : open);
    if (trimNext) text = text.replace(/^\s+/, '');
    trimNext = false;
    if (open === -1) {
      if (text) out().push({ kind: 'text', text });
      break;
    }
    let start = open + 2;
    if (source[start] === '-' && /\s/.test(source[start + 1] ?? '')) {
      text = text.replace(/\s+$/, '');
      start += 1;
    }
    if (text) out().push({ kind: 'text', text });
    const inner = source.slice(start).replace(/^\s*/, '');
    if (inner.startsWith('/*')) {
      const endComment = source.indexOf('*/', start);
      const close = endComment === -1 ? -1 : source.indexOf('}}', endComment);
      if (close === -1) throw syntax('unclosed comment');
      trimNext = /^\s+-$/.test(source.slice(endComment + 2, close));
      i = close + 2;
      continue;
    }
    const close = findClose(source, start);
    let body = source.slice(start, close);
    if (/\s-$/.test(body)) {
      body = body.slice(0, -1);
      trimNext = true;
    }
    i = close + 2;
    handleAction(body.trim(), stack, out);
  }
  if (stack.length > 1) throw syntax(`unexpected EOF: {{${stack.at(-1)!.kind}}} without {{end}}`);
  return stack[0]!.body;
}

/** The `}}` closing an action that starts at `from`, skipping quoted strings. */
function findClose(source: string, from: number): number {
  let quote: string | undefined;
  for (let j = from; j < source.length; j++) {
    const c = source[j]!;
    if (quote) {
      if (c === '\\' && quote === '"') j++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === '`') quote = c;
    else if (c === '}' && source[j + 1] === '}') return j;
  }
  throw syntax('unclosed action');
}

function handleAction(body: string, stack: Frame[], out: () => TemplateNode[]): void {
  const tokens = lexAction(body);
  if (tokens.length === 0) throw syntax('missing value for command');
  const first = tokens[0]!;
  const keyword = first.t === 'ident' ? first.name : undefined;
  const parserFor = (rest: Token[]) => new ActionParser(rest, body);
  const finish = (p: ActionParser) => {
    if (!p.done()) throw syntax(`unexpected ${JSON.stringify(body)}`);
  };
  if (keyword === 'if' || keyword === 'with' || keyword === 'range') {
    const p = parserFor(tokens.slice(1));
    const pipe = p.pipeline(keyword === 'range' ? 'two' : 'one');
    finish(p);
    stack.push({ kind: keyword, pipe, body: [], otherwise: undefined, closesParent: false });
    return;
  }
  if (keyword === 'else') {
    const top = stack.at(-1)!;
    if (top.kind === 'root' || top.otherwise) throw syntax('unexpected {{else}}');
    top.otherwise = [];
    const nested = tokens[1];
    if (nested?.t === 'ident' && (nested.name === 'if' || nested.name === 'with')) {
      const p = parserFor(tokens.slice(2));
      const pipe = p.pipeline('one');
      finish(p);
      stack.push({ kind: nested.name, pipe, body: [], otherwise: undefined, closesParent: true });
    } else if (tokens.length > 1) {
      throw syntax(`unexpected ${JSON.stringify(body)} in else`);
    }
    return;
  }
  if (keyword === 'end') {
    if (tokens.length > 1) throw syntax(`unexpected ${JSON.stringify(body)} in end`);
    for (;;) {
      const frame = stack.pop()!;
      if (frame.kind === 'root') throw syntax('unexpected {{end}}');
      const node: TemplateNode = {
        kind: frame.kind,
        pipe: frame.pipe!,
        body: frame.body,
        otherwise: frame.otherwise ?? [],
      };
      const parent = stack.at(-1)!;
      (parent.otherwise ?? parent.body).push(node);
      if (!frame.closesParent) break;
    }
    return;
  }
  const p = parserFor(tokens);
  const pipe = p.pipeline('one');
  finish(p);
  out().push({ kind: 'action', pipe });
}
