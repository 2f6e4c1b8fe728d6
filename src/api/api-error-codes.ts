/**
 * Codes of the API's own refusals (`/api/v1/*`, `/auth/*`): authentication with API tokens or the
 * session cookie, authorization by role and rule scope, the CSRF check. Trigger endpoints keep their `FERRY_E_TRIGGER_*` codes (trigger-error.ts): a
 * pipeline's webhook secret and an operator's API token are different credentials, and a client can
 * tell from the code which one to fix.
 */
export const ApiErrorCode = {
  /** No `Authorization: Bearer <token>` header, or a token no configured `apiTokens` entry has. (401) */
  Unauthorized: 'FERRY_E_API_UNAUTHORIZED',
  /** The identity's role or rule scope does not allow this. (403) */
  Forbidden: 'FERRY_E_API_FORBIDDEN',
  /** `GET /api/v1/me` with neither a valid session cookie nor an `Authorization` header. (401) */
  Unauthenticated: 'FERRY_E_API_UNAUTHENTICATED',
  /** A state-changing request made with the session cookie without the right `X-Ferry-CSRF` header. (403) */
  CsrfRequired: 'FERRY_E_API_CSRF_REQUIRED',
  /** Sign-in failed: the identity provider refused, the state or nonce did not match, the login expired. (400) */
  SignInFailed: 'FERRY_E_API_SIGN_IN_FAILED',
  /** A one-time login code that does not exist, was used already, or expired. (401) */
  OneTimeCodeInvalid: 'FERRY_E_API_ONE_TIME_CODE_INVALID',
  /** `/auth/login` on a server without `auth.oidc`. (404) */
  SignInNotConfigured: 'FERRY_E_API_SIGN_IN_NOT_CONFIGURED',
} as const;

export type ApiErrorCodeValue = (typeof ApiErrorCode)[keyof typeof ApiErrorCode];

/** Status per code, fixed here so a code can never be answered with two different statuses. */
export const API_ERROR_STATUS: Readonly<Record<ApiErrorCodeValue, 400 | 401 | 403 | 404>> = Object.freeze({
  [ApiErrorCode.Unauthorized]: 401,
  [ApiErrorCode.Forbidden]: 403,
  [ApiErrorCode.Unauthenticated]: 401,
  [ApiErrorCode.CsrfRequired]: 403,
  [ApiErrorCode.SignInFailed]: 400,
  [ApiErrorCode.OneTimeCodeInvalid]: 401,
  [ApiErrorCode.SignInNotConfigured]: 404,
});
