/** A promotion rule's `signature:` policy: which signatures an image needs before it is promoted. */
import { z } from 'zod';
import type { SchemaParts } from './schema-parts.ts';

export function signaturePolicySchema({ filePath }: SchemaParts) {
  return z
    .strictObject({
      // Require a cosign signature (the `sha256-<hex>.sig` tag, ECDSA P-256) that verifies with one of
      // `publicKeyFiles` before promoting. Default false.
      required: z.boolean().default(false),
      // PEM public keys (cosign.pub); any one verifying suffices, so list old and new during rotation.
      publicKeyFiles: z.array(filePath).default([]),
    })
    .check((ctx) => {
      if (ctx.value.required && ctx.value.publicKeyFiles.length === 0) {
        ctx.issues.push({
          code: 'custom',
          path: ['publicKeyFiles'],
          message: 'a required signature needs at least one public key file',
          input: undefined,
        });
      }
    })
    .prefault({});
}
