/**
 * Turns a trigger request's raw bytes into a plain value, by Content-Type: JSON for everything, YAML
 * where the trigger allows it (OpenShift's generic webhook accepts `application/yaml`, so its
 * replacement must too). Only after this does a schema look at the value.
 *
 * Failures are 4xx TriggerErrors that say *where* the text broke (line/column) and why, but never quote
 * the body: V8's and yaml's own messages include snippets of the input, which could be a token someone
 * pasted into the wrong field, so neither is passed through.
 */
import { isAlias, parseAllDocuments, visit, YAMLError } from 'yaml';
import { quoteValue } from '../../api/quote-value.ts';
import { TriggerError, TriggerErrorCode } from '../../api/trigger-error.ts';
import { checkBodySize, DEFAULT_MAX_BODY_BYTES } from './body-limits.ts';
import { findJsonSyntaxError, lineAndColumn } from './json-error-position.ts';

export type BodyFormat = 'json' | 'yaml';

export interface ParseBodyOptions {
  /** Formats this trigger accepts; a Content-Type of any other format is a 415. */
  readonly formats: readonly BodyFormat[];
  /** Default DEFAULT_MAX_BODY_BYTES (64 KiB). */
  readonly maxBytes?: number | undefined;
}

/** YAML media types in use: RFC 9512 registered `application/yaml`; the others are common legacy names. */
const YAML_MEDIA_TYPES: ReadonlySet<string> = new Set([
  'application/yaml',
  'application/x-yaml',
  'text/yaml',
  'text/x-yaml',
]);

/** RFC 6839 structured syntax suffixes, e.g. `application/vnd.docker.distribution.events.v2+json`. */
const JSON_SUFFIX_RE = /^application\/[a-z0-9!#$&^_.-]+\+json$/;
const YAML_SUFFIX_RE = /^application\/[a-z0-9!#$&^_.-]+\+yaml$/;

const MAX_REASON_LENGTH = 80;

export interface ParsedContentType {
  /** Lower-cased `type/subtype`. */
  readonly mediaType: string;
  /** Lower-cased charset parameter, when given. */
  readonly charset: string | undefined;
}

/** Splits `type/subtype; charset=…` (RFC 9110 §8.3.1); undefined when absent or empty. */
export function parseContentType(header: string | undefined): ParsedContentType | undefined {
  if (header === undefined) return undefined;
  const [type = '', ...params] = header.split(';');
  const mediaType = type.trim().toLowerCase();
  if (mediaType === '') return undefined;
  let charset: string | undefined;
  for (const param of params) {
    const eq = param.indexOf('=');
    if (eq === -1) continue;
    if (param.slice(0, eq).trim().toLowerCase() !== 'charset') continue;
    charset = param
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1')
      .toLowerCase();
  }
  return { mediaType, charset };
}

/** Which parser a media type calls for, or undefined for anything else. */
export function bodyFormatOf(mediaType: string): BodyFormat | undefined {
  if (mediaType === 'application/json' || JSON_SUFFIX_RE.test(mediaType)) return 'json';
  if (YAML_MEDIA_TYPES.has(mediaType) || YAML_SUFFIX_RE.test(mediaType)) return 'yaml';
  return undefined;
}

function describeFormats(formats: readonly BodyFormat[]): string {
  const names: string[] = [];
  if (formats.includes('json')) names.push('application/json');
  if (formats.includes('yaml')) names.push('application/yaml');
  return names.join(' or ');
}

function unsupported(message: string): TriggerError {
  return new TriggerError(TriggerErrorCode.UnsupportedMediaType, message, { fields: ['content-type'] });
}

function malformed(message: string): TriggerError {
  return new TriggerError(TriggerErrorCode.MalformedBody, message);
}

/** Parser message reduced to printable ASCII and cut short; the caller has already removed any snippet. */
function cleanReason(reason: string): string {
  let out = '';
  for (const char of reason) {
    const code = char.codePointAt(0) ?? 0;
    out += code < 0x20 || code > 0x7e ? `\\u{${code.toString(16)}}` : char;
    if (out.length >= MAX_REASON_LENGTH) return `${out}…`;
  }
  return out;
}

function at(text: string, offset: number): string {
  const { line, column } = lineAndColumn(text, offset);
  return `line ${line}, column ${column}`;
}

function describeChar(char: string | undefined): string {
  if (char === undefined) return 'end of input';
  const code = char.codePointAt(0) ?? 0;
  return code > 0x20 && code < 0x7f ? `'${char}'` : `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const offset = findJsonSyntaxError(text) ?? text.length;
    // V8 words most errors as "<reason> in JSON at position N (line L column C)", but an unexpected
    // token as "Unexpected token 'x', "<snippet of the input>" is not valid JSON": that variant is
    // rebuilt from the offset instead of being passed on.
    const positioned = / in JSON at position \d+/.exec(message);
    const reason =
      positioned !== null
        ? message.slice(0, positioned.index)
        : message.includes('is not valid JSON')
          ? `unexpected ${describeChar(text[offset])}`
          : message;
    throw malformed(`request body is not valid JSON at ${at(text, offset)}: ${cleanReason(reason)}`);
  }
}

function yamlFault(text: string, err: YAMLError): TriggerError {
  // With prettyErrors off, err.message is a fixed phrase and err.pos is [start, end] — except for tag
  // errors, whose message quotes the tag from the input.
  const where = err.pos[0] >= 0 ? ` at ${at(text, err.pos[0])}` : '';
  const reason = err.code === 'TAG_RESOLVE_FAILED' ? 'tags (!name, !!type) are not allowed' : err.message;
  return malformed(`request body is not valid YAML${where}: ${cleanReason(reason)} (${err.code})`);
}

function parseYaml(text: string): unknown {
  let docs: ReturnType<typeof parseAllDocuments>;
  try {
    docs = parseAllDocuments(text, {
      // YAML 1.2 core schema; YAML 1.1 extras (!!binary, !!set, !!timestamp) are left unresolved and so
      // refused below: a webhook has no use for them.
      schema: 'core',
      resolveKnownTags: false,
      prettyErrors: false,
      uniqueKeys: true,
      // Warnings are inspected below instead of going to process.emitWarning.
      logLevel: 'silent',
    });
  } catch (err) {
    if (err instanceof YAMLError) throw yamlFault(text, err);
    throw err;
  }
  if (!Array.isArray(docs)) throw malformed('request body is empty');
  const [doc, second] = docs;
  if (doc === undefined) throw malformed('request body is empty');
  if (second !== undefined) {
    const start = second.range?.[0] ?? -1;
    const where = start >= 0 ? ` at ${at(text, start)}` : '';
    throw malformed(`request body is not acceptable YAML${where}: only one document is allowed`);
  }
  const problem = doc.errors[0] ?? doc.warnings[0];
  if (problem !== undefined) throw yamlFault(text, problem);
  // No aliases at all: they exist to share structure, which no trigger body needs, and they are the
  // vehicle of "billion laughs" expansion. (maxAliasCount: 0 below is the second line of defence.)
  let alias: number | undefined;
  visit(doc, {
    Alias(_key, node) {
      alias = isAlias(node) ? (node.range?.[0] ?? -1) : -1;
      return visit.BREAK;
    },
  });
  if (alias !== undefined) {
    const where = alias >= 0 ? ` at ${at(text, alias)}` : '';
    throw malformed(`request body is not acceptable YAML${where}: aliases (*name) are not allowed`);
  }
  return doc.toJS({ maxAliasCount: 0 });
}

/**
 * Checks size, Content-Type and encoding, then parses. Throws 413 (too large), 415 (missing/other
 * Content-Type, non-UTF-8 charset) or 400 (empty, invalid UTF-8, syntax error with line/column).
 */
export function parseBody(
  rawBody: Uint8Array,
  contentTypeHeader: string | undefined,
  options: ParseBodyOptions,
): unknown {
  checkBodySize(rawBody, options.maxBytes ?? DEFAULT_MAX_BODY_BYTES);
  const expected = describeFormats(options.formats);
  const contentType = parseContentType(contentTypeHeader);
  if (contentType === undefined) throw unsupported(`Content-Type is required (send ${expected})`);
  const format = bodyFormatOf(contentType.mediaType);
  if (format === undefined || !options.formats.includes(format)) {
    throw unsupported(
      `Content-Type ${quoteValue(contentType.mediaType)} is not accepted here (send ${expected})`,
    );
  }
  if (
    contentType.charset !== undefined &&
    contentType.charset !== 'utf-8' &&
    contentType.charset !== 'utf8'
  ) {
    throw unsupported(`charset ${quoteValue(contentType.charset)} is not supported (send UTF-8)`);
  }
  let text: string;
  try {
    // fatal: a body that is not UTF-8 is refused rather than silently patched with U+FFFD. A UTF-8 BOM
    // is dropped (ignoreBOM false), as RFC 8259 §8.1 allows parsers to.
    text = new TextDecoder('utf-8', { fatal: true }).decode(rawBody);
  } catch {
    throw malformed('request body is not valid UTF-8');
  }
  if (text.trim() === '') throw malformed('request body is empty');
  return format === 'json' ? parseJson(text) : parseYaml(text);
}
