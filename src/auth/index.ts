export { AuthConfigError, AuthLookupError, CredentialHelperError } from './auth-error.ts';
export {
  AuthFileKeychain,
  type AuthFileKeychainOptions,
  normalizeAuthFileKey,
} from './auth-file-keychain.ts';
export { type AuthFilePath, type AuthFilePathOptions, authFilePaths } from './auth-file-paths.ts';
export { anonymousKeychain, ChainKeychain } from './chain-keychain.ts';
export {
  type BearerError,
  type Challenge,
  findChallenge,
  parseBearerError,
  parseChallenges,
} from './challenge.ts';
export { ANONYMOUS, type Credential, type Keychain } from './credential.ts';
export {
  type CredentialHelperOptions,
  credentialHelperProgram,
  DEFAULT_HELPER_TIMEOUT_MS,
  getFromCredentialHelper,
} from './credential-helper.ts';
export {
  basicCredential,
  bearerCredential,
  describeCredential,
  identityTokenCredential,
  REDACTED,
} from './credential-values.ts';
export { registryKey, registryMatcher } from './registry-key.ts';
export { mergeScopes, parseScope, type RepositoryAction, scopeFor } from './scope.ts';
export { type ParsedCreds, parseCredsFlag, StaticKeychain } from './static-keychain.ts';
export {
  DEFAULT_TOKEN_USERNAME,
  readTokenFile,
  TokenFileKeychain,
  type TokenFileKeychainOptions,
} from './token-file-keychain.ts';
export { TokenKeychain } from './token-keychain.ts';
