import { ErrorCode } from '../errors/codes.ts';
import { FerryError } from '../errors/ferry-error.ts';

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_SIGNATURE_FAILURE',
]);

/** Errors from the socket layer that a retry may cure (connection trouble, timeouts). */
const TEMPORARY_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

export function errorCodeOf(err: unknown): string | undefined {
  // AbortSignal aborts surface as a DOMException whose `code` is the number 20.
  if (err instanceof Error && err.name === 'AbortError') return 'ABORT_ERR';
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && !code.startsWith('FERRY_E_')) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

export function isTlsProtocolMismatch(err: unknown): boolean {
  const code = errorCodeOf(err);
  return (
    code === 'ERR_SSL_WRONG_VERSION_NUMBER' || code === 'EPROTO' || code === 'ERR_SSL_PACKET_LENGTH_TOO_LONG'
  );
}

/** Wrap a low-level failure into a FerryError that names the request, never its credentials. */
export function wrapNetworkError(err: unknown, method: string, redactedUrl: string): FerryError {
  if (err instanceof FerryError) return err;
  const code = errorCodeOf(err) ?? 'unknown';
  const detail = err instanceof Error ? err.message : String(err);
  if (TLS_CODES.has(code)) {
    return new FerryError(
      ErrorCode.Tls,
      `${method} ${redactedUrl}: TLS certificate not trusted (${code}); ` +
        'pass the registry CA with --src-cert-dir/--dest-cert-dir, or --*-tls-verify=false for a test registry',
      { cause: err },
    );
  }
  if (code === 'UND_ERR_ABORTED' || code === 'ABORT_ERR') {
    return new FerryError(ErrorCode.Aborted, `${method} ${redactedUrl}: aborted`, { cause: err });
  }
  const timeout = code.includes('TIMEOUT') || code === 'ETIMEDOUT';
  return new FerryError(
    timeout ? ErrorCode.Timeout : ErrorCode.Network,
    `${method} ${redactedUrl}: ${detail} (${code})`,
    {
      cause: err,
      temporary: TEMPORARY_CODES.has(code),
    },
  );
}
