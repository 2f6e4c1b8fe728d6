/**
 * Codes of the API's own refusals (`/api/v1/*`): authentication with API tokens, authorization by role
 * and rule scope. Trigger endpoints keep their `FERRY_E_TRIGGER_*` codes (trigger-error.ts): a
 * pipeline's webhook secret and an operator's API token are different credentials, and a client can
 * tell from the code which one to fix.
 */
export const ApiErrorCode = {
  /** No `Authorization: Bearer <token>` header, or a token no configured `apiTokens` entry has. (401) */
  Unauthorized: 'FERRY_E_API_UNAUTHORIZED',
  /** The token's role or rule scope does not allow this. (403) */
  Forbidden: 'FERRY_E_API_FORBIDDEN',
} as const;

export type ApiErrorCodeValue = (typeof ApiErrorCode)[keyof typeof ApiErrorCode];

/** Status per code, fixed here so a code can never be answered with two different statuses. */
export const API_ERROR_STATUS: Readonly<Record<ApiErrorCodeValue, 401 | 403>> = Object.freeze({
  [ApiErrorCode.Unauthorized]: 401,
  [ApiErrorCode.Forbidden]: 403,
});
