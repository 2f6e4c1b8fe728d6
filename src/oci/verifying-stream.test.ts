import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { PassThrough, Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, test } from 'node:test';
import { FerryError } from '../errors/ferry-error.ts';
import { DigestMismatchError } from '../errors/kinds.ts';
import { VerifyingStream } from './verifying-stream.ts';

const CHUNKS = ['hello ', 'verifying ', 'world'].map((s) => Buffer.from(s));
const ALL = Buffer.concat(CHUNKS);
const SHA256 = `sha256:${createHash('sha256').update(ALL).digest('hex')}`;
const SHA512 = `sha512:${createHash('sha512').update(ALL).digest('hex')}`;

interface Observed {
  readonly data: Buffer;
  readonly ended: boolean;
  readonly error: unknown;
}

/** Write `chunks` into `stream`, end it, and report what came out: data, whether 'end' fired, the error. */
async function drive(stream: VerifyingStream, chunks: readonly Buffer[]): Promise<Observed> {
  const out: Buffer[] = [];
  let ended = false;
  let error: unknown;
  stream.on('data', (c: Buffer) => out.push(c));
  stream.on('end', () => {
    ended = true;
  });
  const settled = new Promise<void>((resolve) => {
    stream.on('error', (err) => {
      error = err;
      resolve();
    });
    stream.on('close', () => resolve());
  });
  for (const c of chunks) stream.write(c);
  stream.end();
  await settled;
  // Give a stray 'end' every chance to be emitted before we look.
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setTimeout(resolve, 5));
  return { data: Buffer.concat(out), ended, error };
}

describe('VerifyingStream', () => {
  test('correct bytes pass through unchanged and end normally', async () => {
    const v = new VerifyingStream(SHA256, ALL.length, 'blob x');
    const r = await drive(v, CHUNKS);
    assert.equal(r.error, undefined);
    assert.equal(r.ended, true);
    assert.deepEqual(r.data, ALL);
    assert.equal(v.bytes, ALL.length);
  });

  test('works in a pipeline with an unknown size', async () => {
    const v = new VerifyingStream(SHA256, undefined, 'blob x');
    const out: Buffer[] = [];
    await pipeline(
      Readable.from(CHUNKS),
      v,
      new Writable({
        write(chunk: Buffer, _enc, cb) {
          out.push(chunk);
          cb();
        },
      }),
    );
    assert.deepEqual(Buffer.concat(out), ALL);
  });

  test('sha512 digests are verified with sha512', async () => {
    const ok = await drive(new VerifyingStream(SHA512, ALL.length, 'blob x'), CHUNKS);
    assert.equal(ok.error, undefined);
    assert.equal(ok.ended, true);
    assert.deepEqual(ok.data, ALL);

    const wrong = `sha512:${'0'.repeat(128)}`;
    const bad = await drive(new VerifyingStream(wrong, ALL.length, 'blob x'), CHUNKS);
    assert.ok(bad.error instanceof DigestMismatchError);
    assert.equal(bad.error.actual, SHA512);
    assert.equal(bad.ended, false);
  });

  test('wrong bytes of the right size: DigestMismatchError before end, and end never fires', async () => {
    const tampered = [...CHUNKS.slice(0, 2), Buffer.from('WORLD')];
    const v = new VerifyingStream(SHA256, ALL.length, 'blob sha256:abc');
    const r = await drive(v, tampered);
    assert.ok(r.error instanceof DigestMismatchError, String(r.error));
    assert.equal(r.error.code, 'FERRY_E_DIGEST_MISMATCH');
    assert.equal(r.error.expected, SHA256);
    assert.equal(
      r.error.actual,
      `sha256:${createHash('sha256').update(Buffer.concat(tampered)).digest('hex')}`,
    );
    assert.match(r.error.message, /blob sha256:abc/);
    assert.equal(r.error.temporary, false);
    assert.equal(r.ended, false, "'end' must not be emitted for corrupt content");
  });

  test('a consumer in a pipeline sees the mismatch as a rejection, not a complete body', async () => {
    let finished = false;
    await assert.rejects(
      pipeline(
        Readable.from([Buffer.from('not the content')]),
        new VerifyingStream(SHA256, undefined, 'blob y'),
        new Writable({
          write(_c, _e, cb) {
            cb();
          },
          final(cb) {
            finished = true;
            cb();
          },
        }),
      ),
      (err: unknown) => err instanceof DigestMismatchError,
    );
    assert.equal(finished, false, 'the sink must not be finalised');
  });

  test('too many bytes: error as soon as the overrun happens, before the source ends', async () => {
    const source = new PassThrough();
    const v = new VerifyingStream(SHA256, 10, 'blob z');
    const passed: Buffer[] = [];
    v.on('data', (c: Buffer) => passed.push(c));
    let ended = false;
    v.on('end', () => {
      ended = true;
    });
    source.pipe(v);
    const errored = once(v, 'error');
    source.write(Buffer.from('12345678')); // 8 of 10: fine
    source.write(Buffer.from('9012')); // 12 of 10: overrun
    // The source is never ended: the error must come from the overrun alone.
    const [err] = (await errored) as [unknown];
    assert.ok(err instanceof FerryError);
    assert.equal(err.code, 'FERRY_E_DIGEST_MISMATCH');
    assert.match(err.message, /blob z is larger than its descriptor size 10/);
    assert.equal(source.writableEnded, false);
    assert.deepEqual(
      Buffer.concat(passed),
      Buffer.from('12345678'),
      'the overrunning chunk is not forwarded',
    );
    assert.equal(ended, false);
    source.destroy();
  });

  test('too few bytes: error naming both sizes, and no end', async () => {
    const v = new VerifyingStream(SHA256, ALL.length + 5, 'blob short');
    const r = await drive(v, CHUNKS);
    assert.ok(r.error instanceof FerryError);
    assert.equal(r.error.code, 'FERRY_E_DIGEST_MISMATCH');
    assert.match(
      r.error.message,
      new RegExp(`blob short is ${ALL.length} bytes, descriptor says ${ALL.length + 5}`),
    );
    assert.equal(r.ended, false);
  });

  test('empty content with a wrong digest fails; with the right digest passes', async () => {
    const empty = `sha256:${createHash('sha256').update('').digest('hex')}`;
    const ok = await drive(new VerifyingStream(empty, 0, 'empty'), []);
    assert.equal(ok.error, undefined);
    assert.equal(ok.ended, true);
    const bad = await drive(new VerifyingStream(SHA256, 0, 'empty'), []);
    assert.ok(bad.error instanceof DigestMismatchError);
    assert.equal(bad.ended, false);
  });

  test('onProgress receives the running byte total after each chunk', async () => {
    const v = new VerifyingStream(SHA256, ALL.length, 'blob p');
    const seen: number[] = [];
    v.onProgress = (n) => seen.push(n);
    const r = await drive(v, CHUNKS);
    assert.equal(r.error, undefined);
    assert.deepEqual(seen, [6, 16, 21]);
    assert.equal(seen.at(-1), ALL.length);
  });
});
