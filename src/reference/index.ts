export { digestProblem } from './check-digest.ts';
export { registryHostProblem } from './check-registry-host.ts';
export { pathComponentProblem, repositoryPathProblem } from './check-repository-path.ts';
export { tagProblem } from './check-tag.ts';
export { displayValue } from './display-value.ts';
export {
  type FormatReferenceOptions,
  familiarName,
  formatReference,
  referenceName,
} from './format-reference.ts';
export { formatTransportReference } from './format-transport-reference.ts';
export type { ImageReference, TransportReference } from './image-reference.ts';
export {
  DEFAULT_TAG,
  type ParseReferenceResult,
  parseReference,
  tryParseReference,
  withDefaultTag,
} from './parse-reference.ts';
export {
  type ParseTransportReferenceOptions,
  parseTransportReference,
  SUPPORTED_TRANSPORTS,
} from './parse-transport-reference.ts';
export {
  DOCKER_HUB_API_HOST,
  DOCKER_HUB_AUTH_KEY,
  DOCKER_HUB_REGISTRY,
  isDockerHubHost,
  normalizeRegistryHost,
  registryApiHost,
} from './registry-host.ts';
