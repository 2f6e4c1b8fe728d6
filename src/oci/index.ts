export * from './digest.ts';
export * from './manifest.ts';
export * from './media-types.ts';
export * from './platform.ts';
export { VerifyingStream } from './verifying-stream.ts';
