/**
 * A readable explanation for each stable error code a promotion or an action can end with, and what to
 * do about it. Codes are public and never change meaning (docs/api.md), so matching on them is safe;
 * an unknown code gets no explanation rather than a guess.
 */
const EXPLANATIONS: Readonly<Record<string, string>> = {
  FERRY_E_PROMOTION_TAG_NOT_ALLOWED: 'The tag does not match the rule’s tag pattern, so the rule refuses it.',
  FERRY_E_PROMOTION_SOURCE_NOT_FOUND:
    'The source image was not found in the source registry: check the repository and tag were pushed.',
  FERRY_E_PROMOTION_SOURCE_UNREACHABLE: 'The source registry could not be reached; ferry retries on its own.',
  FERRY_E_PROMOTION_SIGNATURE_REQUIRED:
    'The rule requires a signature made with one of its public keys, and none verified for this digest.',
  FERRY_E_PROMOTION_IMMUTABLE_TAG:
    'The destination tag already points at another digest and the rule keeps tags immutable: promote under a new tag.',
  FERRY_E_PROMOTION_VERIFY_FAILED:
    'After the copy, the destination did not serve the expected digest: the registry changed or lost something.',
  FERRY_E_PROMOTION_DIGEST_GONE:
    'The digest to roll back to is no longer in the destination registry (garbage-collected?).',
  FERRY_E_PROMOTION_NOT_ROLLBACKABLE:
    'Only a succeeded promotion whose rule has a release tag (or a mutable tag) can be rolled back to.',
  FERRY_E_PROMOTION_ALREADY_CURRENT: 'The tag already points at this digest: nothing would change.',
  FERRY_E_PROMOTION_CONFLICT:
    'The promotion is not in a state for this action any more (someone was quicker?).',
  FERRY_E_PROMOTION_ALREADY_DECIDED: 'You already decided on this promotion; your first decision stands.',
  FERRY_E_PROMOTION_FORBIDDEN:
    'The rule does not let this identity decide (not a listed approver, or approving its own request).',
  FERRY_E_PROMOTION_TRIGGER_NOT_ALLOWED: 'The rule does not accept requests from this trigger.',
  FERRY_E_PROMOTION_NO_RULE: 'No promotion rule covers this source and destination.',
  FERRY_E_API_FORBIDDEN: 'Your roles do not allow this action for this promotion’s rule.',
  FERRY_E_API_UNAUTHENTICATED: 'You are not signed in (or the session ended).',
  FERRY_E_API_UNAUTHORIZED: 'You are not signed in (or the session ended).',
  FERRY_E_API_CSRF_REQUIRED: 'The request lacked the session’s CSRF token: reload the page and try again.',
  FERRY_E_AUTH: 'A registry refused ferry’s credentials: check the environment’s credentials in ferry.yaml.',
  FERRY_E_REGISTRY: 'A registry answered with an error; the message has its status and code.',
  FERRY_E_NETWORK: 'A registry could not be reached over the network; ferry retries temporary failures.',
  FERRY_E_TIMEOUT: 'A registry did not answer in time; ferry retries temporary failures.',
  FERRY_E_TLS: 'The TLS connection to a registry failed (certificate not trusted, or wrong host name).',
  FERRY_E_DIGEST_MISMATCH: 'Bytes received did not match their digest: the registry served corrupt data.',
  FERRY_E_UNSUPPORTED_MANIFEST: 'The image’s manifest type is not one ferry can copy.',
  FERRY_E_NOT_FOUND: 'Something the promotion needed was not found (the message names it).',
  FERRY_E_UNAVAILABLE: 'The server is temporarily unavailable; try again shortly.',
  FERRY_E_INTERNAL: 'The server failed; its log has the details.',
};

export function explainError(code: string | null | undefined): string | undefined {
  return code == null ? undefined : EXPLANATIONS[code];
}
