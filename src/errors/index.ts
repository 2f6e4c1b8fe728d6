export { ErrorCode, type ErrorCodeValue } from './codes.ts';
export { FerryError, type FerryErrorOptions, hasCode } from './ferry-error.ts';
export { BadReferenceError, BadUsageError, DigestMismatchError, NotFoundError } from './kinds.ts';
