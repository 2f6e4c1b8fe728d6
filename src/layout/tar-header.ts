/**
 * POSIX ustar header blocks (pax(1) "ustar Interchange Format") plus the pax extended header records
 * ferry needs: `path` for names longer than ustar's 100+155 bytes (a sha512 blob name is
 * `blobs/sha512/` + 128 hex, whose last component alone exceeds 100) and `size` for files of 8 GiB
 * and more (the octal size field holds 11 digits). Only what an OCI layout and a docker-archive
 * contain is modelled: regular files, directories and (docker-archive's legacy `<id>/layer.tar`)
 * symbolic links. `goStyle` headers are byte-for-byte what Go's archive/tar writes for
 * containers/image's docker-archive entries (device number fields filled with octal zeros).
 */
export const BLOCK = 512;

export type TarEntryType = 'file' | 'directory' | 'pax' | 'pax-global' | 'gnu-longname' | 'other';

export interface TarHeader {
  readonly name: string;
  readonly mode: number;
  readonly size: number;
  readonly type: TarEntryType;
  /** The raw typeflag character, for error messages. */
  readonly typeflag: string;
  /** Target of a symbolic or hard link (typeflag '2' / '1'); '' otherwise. */
  readonly linkname: string;
}

export interface EncodeHeaderOptions {
  /** Symbolic link target (type 'symlink'). */
  readonly linkname?: string | undefined;
  /** Fill devmajor/devminor with octal zeros, as Go's archive/tar does. */
  readonly goStyle?: boolean | undefined;
}

const MAX_OCTAL_SIZE = 8 ** 11 - 1;
const TYPEFLAGS = { file: '0', directory: '5', symlink: '2' } as const;

/** Header block(s) for one entry: a pax `x` header first when the name or size does not fit ustar. */
export function encodeHeader(
  name: string,
  type: 'file' | 'directory' | 'symlink',
  size: number,
  mode: number,
  options: EncodeHeaderOptions = {},
): Buffer {
  const nameBytes = Buffer.byteLength(name);
  const split = splitUstarName(name);
  const linkname = options.linkname ?? '';
  const linkTooLong = linkname.length > 100 || Buffer.byteLength(linkname) !== linkname.length;
  const needsPax = split === undefined || size > MAX_OCTAL_SIZE || nameBytes !== name.length || linkTooLong;
  const blocks: Buffer[] = [];
  if (needsPax) {
    const records =
      paxRecord('path', name) +
      (size > MAX_OCTAL_SIZE ? paxRecord('size', String(size)) : '') +
      (linkTooLong ? paxRecord('linkpath', linkname) : '');
    const data = Buffer.from(records, 'utf8');
    blocks.push(rawHeader('PaxHeaders/entry', 'x', data.length, 0o644));
    blocks.push(padded(data));
  }
  const fallback = split ?? { prefix: '', name: asciiTail(name) };
  blocks.push(
    rawHeader(fallback.name, TYPEFLAGS[type], size > MAX_OCTAL_SIZE ? 0 : size, mode, {
      prefix: fallback.prefix,
      linkname: linkTooLong ? asciiTail(linkname) : linkname,
      goStyle: options.goStyle === true,
    }),
  );
  return Buffer.concat(blocks);
}

export function decodeHeader(block: Buffer): TarHeader | undefined {
  if (block.every((b) => b === 0)) return undefined; // end-of-archive marker
  const stored = parseNumber(block.subarray(148, 156));
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : (block[i] ?? 0);
  if (stored !== sum) throw new Error(`bad tar header checksum (stored ${stored}, computed ${sum})`);
  const name = cString(block.subarray(0, 100));
  const magic = block.subarray(257, 263).toString('latin1');
  const prefix = magic.startsWith('ustar') ? cString(block.subarray(345, 500)) : '';
  const typeflag = String.fromCharCode(block[156] ?? 0);
  return {
    name: prefix === '' ? name : `${prefix}/${name}`,
    mode: parseNumber(block.subarray(100, 108)),
    size: parseNumber(block.subarray(124, 136)),
    type: entryType(typeflag),
    typeflag,
    linkname: cString(block.subarray(157, 257)),
  };
}

/** Parse pax extended header records: `"<len> <key>=<value>\n"` repeated. */
export function parsePaxRecords(data: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  let pos = 0;
  while (pos < data.length) {
    const space = data.indexOf(0x20, pos);
    if (space === -1) break;
    const len = Number.parseInt(data.subarray(pos, space).toString('latin1'), 10);
    if (!Number.isFinite(len) || len <= 0 || pos + len > data.length) throw new Error('malformed pax record');
    const record = data.subarray(space + 1, pos + len - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq > 0) out.set(record.slice(0, eq), record.slice(eq + 1));
    pos += len;
  }
  return out;
}

export function paddingFor(size: number): number {
  return (BLOCK - (size % BLOCK)) % BLOCK;
}

function entryType(flag: string): TarEntryType {
  switch (flag) {
    case '0':
    case '\0':
    case '7': // contiguous file: a regular file to everyone but a few 1980s systems
      return 'file';
    case '5':
      return 'directory';
    case 'x':
      return 'pax';
    case 'g':
      return 'pax-global';
    case 'L':
      return 'gnu-longname';
    default:
      return 'other';
  }
}

function rawHeader(
  name: string,
  typeflag: string,
  size: number,
  mode: number,
  extra: { prefix: string; linkname: string; goStyle: boolean } = {
    prefix: '',
    linkname: '',
    goStyle: false,
  },
): Buffer {
  const b = Buffer.alloc(BLOCK);
  b.write(name, 0, 100, 'latin1');
  writeOctal(b, 100, 8, mode);
  writeOctal(b, 108, 8, 0); // uid
  writeOctal(b, 116, 8, 0); // gid
  writeOctal(b, 124, 12, size);
  writeOctal(b, 136, 12, 0); // mtime fixed at the epoch: the same layout always gives the same tar
  b.fill(0x20, 148, 156);
  b.write(typeflag, 156, 1, 'latin1');
  b.write(extra.linkname, 157, 100, 'latin1');
  b.write('ustar\u0000', 257, 6, 'latin1');
  b.write('00', 263, 2, 'latin1');
  if (extra.goStyle) {
    writeOctal(b, 329, 8, 0); // devmajor
    writeOctal(b, 337, 8, 0); // devminor
  }
  b.write(extra.prefix, 345, 155, 'latin1');
  let sum = 0;
  for (const byte of b) sum += byte;
  b.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 8, 'latin1');
  return b;
}

function writeOctal(b: Buffer, offset: number, width: number, value: number): void {
  b.write(`${value.toString(8).padStart(width - 1, '0')}\u0000`, offset, width, 'latin1');
}

/** Octal (NUL/space terminated) or GNU base-256 (high bit set) numeric field. */
function parseNumber(field: Buffer): number {
  if (field.length > 0 && ((field[0] ?? 0) & 0x80) !== 0) {
    let value = (field[0] ?? 0) & 0x7f;
    for (let i = 1; i < field.length; i++) value = value * 256 + (field[i] ?? 0);
    return value;
  }
  const text = field
    .toString('latin1')
    .replace(/[\0 ]+$/, '')
    .trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) throw new Error(`bad numeric field ${JSON.stringify(text)}`);
  return Number.parseInt(text, 8);
}

function cString(field: Buffer): string {
  const nul = field.indexOf(0);
  return field.subarray(0, nul === -1 ? field.length : nul).toString('utf8');
}

function splitUstarName(name: string): { prefix: string; name: string } | undefined {
  if (name.length <= 100) return { prefix: '', name };
  for (let i = name.lastIndexOf('/'); i > 0; i = name.lastIndexOf('/', i - 1)) {
    const prefix = name.slice(0, i);
    const rest = name.slice(i + 1);
    if (prefix.length <= 155 && rest.length <= 100 && rest.length > 0) return { prefix, name: rest };
  }
  return undefined;
}

function asciiTail(name: string): string {
  return name.replace(/[^\x20-\x7e]/g, '_').slice(-100);
}

function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let len = Buffer.byteLength(body) + 1;
  while (String(len).length + Buffer.byteLength(body) !== len)
    len = String(len).length + Buffer.byteLength(body);
  return `${len}${body}`;
}

function padded(data: Buffer): Buffer {
  return Buffer.concat([data, Buffer.alloc(paddingFor(data.length))]);
}
