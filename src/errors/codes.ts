/**
 * The library layers' error codes (the service, API and CLI declare theirs beside their error classes).
 * New codes are appended; existing ones never change meaning.
 */
export const ErrorCode = {
  BadReference: 'FERRY_E_BAD_REFERENCE',
  BadUsage: 'FERRY_E_BAD_USAGE',
  Auth: 'FERRY_E_AUTH',
  AuthConfig: 'FERRY_E_AUTH_CONFIG',
  CredentialHelper: 'FERRY_E_CREDENTIAL_HELPER',
  Registry: 'FERRY_E_REGISTRY',
  Network: 'FERRY_E_NETWORK',
  Timeout: 'FERRY_E_TIMEOUT',
  Tls: 'FERRY_E_TLS',
  DigestMismatch: 'FERRY_E_DIGEST_MISMATCH',
  UnsupportedManifest: 'FERRY_E_UNSUPPORTED_MANIFEST',
  BadManifest: 'FERRY_E_BAD_MANIFEST',
  NotFound: 'FERRY_E_NOT_FOUND',
  NoMatchingPlatform: 'FERRY_E_NO_MATCHING_PLATFORM',
  InsecureRealm: 'FERRY_E_INSECURE_REALM',
  Aborted: 'FERRY_E_ABORTED',
  Io: 'FERRY_E_IO',
  Config: 'FERRY_E_CONFIG',
  PolicyConfig: 'FERRY_E_POLICY_CONFIG',
  PolicyUnsupported: 'FERRY_E_POLICY_UNSUPPORTED',
  PolicyRejected: 'FERRY_E_POLICY_REJECTED',
  UnsupportedConversion: 'FERRY_E_UNSUPPORTED_CONVERSION',
  SigningKey: 'FERRY_E_SIGNING_KEY',
} as const;

export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode];
