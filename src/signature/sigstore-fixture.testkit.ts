/**
 * Test support (not a test): a private Sigstore instance and bundles signed through it, so the gate is
 * checked against what independent tools produce, never against bytes written by hand.
 *
 * - SigstoreServices: @sigstore/mock's Fulcio (with a CT log), Rekor (v1) and timestamp authority served
 *   over real HTTP on 127.0.0.1, plus the `trusted_root.json` that trusts exactly them. `clock` backdates
 *   the CA (certificates valid for 10 minutes from then) to produce certificates that are expired now.
 * - signKeyBundle / signKeylessBundle: @sigstore/sign's DSSEBundleBuilder over an in-toto statement,
 *   with a local key (as `cosign sign --key`) or a Fulcio certificate for an OIDC identity (as keyless
 *   `cosign sign`); logged in the Rekor when asked.
 * - cosignSignStatement: the statement cosign v3 signs (stored with sigstore-referrer-manifest.ts).
 */
import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SerializedBundle } from '@sigstore/bundle';
import { bundleFromJSON, bundleToJSON } from '@sigstore/bundle';
import {
  fulcioHandler,
  type HandlerFn,
  initializeCA,
  initializeCTLog,
  initializeTLog,
  initializeTSA,
  rekorHandler,
  tsaHandler,
} from '@sigstore/mock';
import { DSSEBundleBuilder, FulcioSigner, RekorWitness, TSAWitness, type Witness } from '@sigstore/sign';
import { COSIGN_SIGN_PREDICATE_TYPE, IN_TOTO_PAYLOAD_TYPE } from './in-toto-statement.ts';
import { localKeySigner } from './sign-dsse-bundle.ts';

export interface SigstoreServices {
  readonly url: string;
  /** trusted_root.json content trusting this instance's CA, CT log, Rekor and TSA. */
  readonly trustedRoot: Record<string, unknown>;
  close(): Promise<void>;
}

/** Starts Fulcio, Rekor and a TSA on one local HTTP port. */
export async function startSigstoreServices(options: { clock?: Date } = {}): Promise<SigstoreServices> {
  const ecKeys = () => generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const ctLog = await initializeCTLog(ecKeys());
  const ca = await initializeCA(ecKeys(), ctLog, options.clock);
  // The mock TSA writes genTime's milliseconds without trailing zeros (".5Z"), which @sigstore/core
  // (like RFC 5280 readers) refuses; a fixed clock with 3 significant digits avoids it. A minute ahead,
  // so the time stays inside the 10-minute validity of certificates issued from now on.
  const tsaClock = new Date(Math.floor(Date.now() / 1000) * 1000 + 60_123);
  const tsa = await initializeTSA(ecKeys(), tsaClock);
  const handlers = new Map<string, HandlerFn>();
  const server = createServer((req, res) => {
    const handler =
      req.method === 'POST' ? handlers.get(new URL(req.url ?? '/', 'http://x').pathname) : undefined;
    if (handler === undefined) {
      res.writeHead(404).end();
      return;
    }
    readBody(req)
      .then((body) => handler(body))
      .then(({ statusCode, response, contentType }) => {
        res.writeHead(statusCode, { 'content-type': contentType ?? 'text/plain' });
        res.end(
          typeof response === 'string'
            ? response
            : Buffer.from(response.buffer, response.byteOffset, response.byteLength),
        );
      })
      .catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // The checkpoint's origin is the log URL's host; verifiers match it against the root's baseUrl.
  const tlog = await initializeTLog(url, ecKeys());
  for (const h of [fulcioHandler(ca), rekorHandler(tlog), tsaHandler(tsa)]) handlers.set(h.path, h.fn);

  const since = new Date(Date.now() - 24 * 3600_000).toISOString();
  const der = (bytes: ArrayBufferView) =>
    Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  const logKey = (publicKey: Buffer, baseUrl: string, logId: Buffer) => ({
    baseUrl,
    hashAlgorithm: 'SHA2_256',
    publicKey: {
      rawBytes: publicKey.toString('base64'),
      keyDetails: 'PKIX_ECDSA_P256_SHA_256',
      validFor: { start: since },
    },
    logId: { keyId: logId.toString('base64') },
  });
  const trustedRoot = {
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [logKey(tlog.publicKey, url, createHash('sha256').update(tlog.publicKey).digest())],
    certificateAuthorities: [
      {
        subject: { organization: 'ferry-test', commonName: 'ferry-test-fulcio' },
        uri: url,
        certChain: { certificates: [{ rawBytes: der(ca.rootCertificate) }] },
        validFor: { start: since },
      },
    ],
    ctlogs: [
      logKey(
        ctLog.publicKey,
        url,
        Buffer.from(ctLog.logID.buffer, ctLog.logID.byteOffset, ctLog.logID.byteLength),
      ),
    ],
    timestampAuthorities: [
      {
        subject: { organization: 'ferry-test', commonName: 'ferry-test-tsa' },
        uri: url,
        certChain: {
          certificates: [{ rawBytes: der(tsa.intCertificate) }, { rawBytes: der(tsa.rootCertificate) }],
        },
        validFor: { start: since },
      },
    ],
  };
  return {
    url,
    trustedRoot,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The in-toto statement `cosign sign` (v3) signs for an image digest. */
export function cosignSignStatement(
  digest: string,
  predicateType = COSIGN_SIGN_PREDICATE_TYPE,
  predicate: unknown = {},
): Record<string, unknown> {
  const [algorithm, hex] = digest.split(':') as [string, string];
  return {
    _type: 'https://in-toto.io/Statement/v1',
    subject: [{ name: '', digest: { [algorithm]: hex } }],
    predicateType,
    predicate,
  };
}

/**
 * The Rekor witness, as an `intoto` entry: @sigstore/mock's Rekor logs the proposed entry as its body
 * without canonicalising it, which a verifier accepts for `intoto` but not for `dsse` entries. The TSA
 * adds an RFC 3161 timestamp.
 */
function witnesses(services: SigstoreServices | undefined, tlog: boolean, tsa: boolean): Witness[] {
  if (services === undefined) return [];
  const out: Witness[] = [];
  if (tlog) out.push(new RekorWitness({ rekorBaseURL: services.url, entryType: 'intoto' }));
  if (tsa) out.push(new TSAWitness({ tsaBaseURL: services.url }));
  return out;
}

/** A DSSE bundle of `statement` signed with a local key (Rekor entry when `services` and `tlog`). */
export async function signKeyBundle(options: {
  readonly statement: unknown;
  readonly privateKey: KeyObject;
  readonly services?: SigstoreServices | undefined;
  readonly tlog?: boolean;
}): Promise<SerializedBundle> {
  const builder = new DSSEBundleBuilder({
    signer: localKeySigner(options.privateKey),
    witnesses: witnesses(options.services, options.tlog ?? true, false),
  });
  const bundle = await builder.create({
    data: Buffer.from(JSON.stringify(options.statement)),
    type: IN_TOTO_PAYLOAD_TYPE,
  });
  return bundleToJSON(bundle);
}

/**
 * A keyless DSSE bundle: an ephemeral key certified by the Fulcio for an OIDC token with `issuer` and
 * `subject` (the mock reads the unsigned token's claims), logged in Rekor unless `tlog` is false,
 * timestamped by the TSA when `tsa`.
 */
export async function signKeylessBundle(options: {
  readonly statement: unknown;
  readonly services: SigstoreServices;
  readonly issuer: string;
  readonly subject: string;
  readonly tlog?: boolean;
  readonly tsa?: boolean;
}): Promise<SerializedBundle> {
  const token = unsignedJwt({ iss: options.issuer, sub: options.subject, aud: 'sigstore' });
  const builder = new DSSEBundleBuilder({
    signer: new FulcioSigner({
      fulcioBaseURL: options.services.url,
      identityProvider: { getToken: async () => token },
    }),
    witnesses: witnesses(options.services, options.tlog ?? true, options.tsa ?? false),
  });
  const bundle = await builder.create({
    data: Buffer.from(JSON.stringify(options.statement)),
    type: IN_TOTO_PAYLOAD_TYPE,
  });
  return bundleToJSON(bundle);
}

function unsignedJwt(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`;
}

/**
 * Logs a classic cosign signature in the services' Rekor as cosign does (a `hashedrekord` entry of the
 * payload's SHA-256, the signature and the PEM key) and returns the `dev.sigstore.cosign/bundle`
 * annotation cosign stores from Rekor's answer.
 */
export async function logClassicSignature(
  services: SigstoreServices,
  layer: { readonly payload: Uint8Array; readonly signature: string },
  publicKey: KeyObject,
): Promise<string> {
  const pem = publicKey.export({ type: 'spki', format: 'pem' }) as string;
  const proposed = {
    apiVersion: '0.0.1',
    kind: 'hashedrekord',
    spec: {
      data: {
        hash: { algorithm: 'sha256', value: createHash('sha256').update(layer.payload).digest('hex') },
      },
      signature: { content: layer.signature, publicKey: { content: Buffer.from(pem).toString('base64') } },
    },
  };
  const res = await fetch(`${services.url}/api/v1/log/entries`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(proposed),
  });
  if (res.status !== 201) throw new Error(`mock Rekor answered ${res.status}: ${await res.text()}`);
  const entries = (await res.json()) as Record<
    string,
    {
      body: string;
      integratedTime: number;
      logIndex: number;
      logID: string;
      verification: { signedEntryTimestamp: string };
    }
  >;
  const entry = Object.values(entries)[0]!;
  return JSON.stringify({
    SignedEntryTimestamp: entry.verification.signedEntryTimestamp,
    Payload: {
      body: entry.body,
      integratedTime: entry.integratedTime,
      logIndex: entry.logIndex,
      logID: entry.logID,
    },
  });
}

/** An RFC 3161 timestamp by `services`' TSA over the signature of `bundle`, as the bundle serializes it. */
export async function timestampBundleSignature(
  services: SigstoreServices,
  bundle: SerializedBundle,
): Promise<string> {
  const parsed = bundleFromJSON(bundle);
  const { rfc3161Timestamps } = await new TSAWitness({ tsaBaseURL: services.url }).testify(parsed.content);
  return rfc3161Timestamps![0]!.signedTimestamp.toString('base64');
}
