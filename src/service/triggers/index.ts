/**
 * Trigger parsers and verifiers of `ferry serve`: each turns one kind of inbound request into
 * PromotionRequests, or refuses it with a TriggerError (4xx `{code, message}`). Pure functions: no HTTP
 * server, no store — de-duplication by delivery id and rule matching happen elsewhere.
 */
export {
  checkBodySize,
  checkContentLength,
  DEFAULT_MAX_BODY_BYTES,
  readBodyWithLimit,
} from './body-limits.ts';
export { matchingSecretIndex, secretEquals } from './constant-time.ts';
export {
  canonicalRegistryHost,
  digestProblem,
  environmentProblem,
  gitCommitProblem,
  registryHostProblem,
  repositoryProblem,
  tagProblem,
} from './field-rules.ts';
export {
  GITHUB_SIGNATURE_HEADER,
  signGithubPayload,
  type VerifyGithubSignatureOptions,
  verifyGithubSignature,
} from './github-signature.ts';
export { type HeaderSource, headerValues, singleHeader } from './headers.ts';
export {
  OPENSHIFT_BODY_FORMATS,
  OPENSHIFT_ENV_NAMES,
  type OpenShiftEnvName,
  type OpenShiftGenericOptions,
  openshiftSecretMatches,
  parseOpenShiftGenericBody,
} from './openshift-generic.ts';
export {
  type BodyFormat,
  bodyFormatOf,
  type ParseBodyOptions,
  type ParsedContentType,
  parseBody,
  parseContentType,
} from './parse-body.ts';
export {
  DISTRIBUTION_EVENTS_MEDIA_TYPES,
  HARBOR_PUSH_EVENT,
  isAttachmentTag,
  PROMOTABLE_MEDIA_TYPES,
  parseDistributionEvents,
  parseHarborEvent,
  type RegistryEventOptions,
  staticHeaderMatches,
} from './registry-events.ts';
export { parseRestPromotionBody, type RestPromotionBody, type RestPromotionOptions } from './rest-body.ts';
export {
  PROMOTION_REQUESTED_EVENT,
  parseStandardWebhookBody,
  type StandardWebhookBody,
  type StandardWebhookBodyOptions,
  type StandardWebhookData,
} from './standard-webhook-body.ts';
export {
  DEFAULT_TOLERANCE_SECONDS,
  STANDARD_WEBHOOK_HEADERS,
  signStandardWebhook,
  standardWebhookKey,
  type VerifiedStandardWebhook,
  type VerifyStandardWebhookOptions,
  verifyStandardWebhook,
} from './standard-webhooks.ts';
export {
  isTriggerError,
  TRIGGER_ERROR_STATUS,
  TriggerError,
  type TriggerErrorBody,
  TriggerErrorCode,
  type TriggerErrorCodeValue,
  type TriggerErrorOptions,
  type TriggerErrorStatus,
} from './trigger-error.ts';
