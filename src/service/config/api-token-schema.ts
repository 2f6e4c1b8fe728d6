/** An `apiTokens[]` entry of ferry.yaml: a machine identity, stored as the SHA-256 of its token. */
import { z } from 'zod';
import type { SchemaParts } from './schema-parts.ts';

/** API token roles; what each may do is api-tokens.ts `roleAllows`. */
export const ROLES = ['viewer', 'promoter', 'approver', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** sha256("") — a hash every empty Authorization header would match. */
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export function apiTokenSchema({ name }: SchemaParts) {
  const apiToken = z.strictObject({
    // Unique token name: recorded as the actor in the audit log, used in `approvers`.
    name,
    // viewer | promoter | approver | admin (see api-tokens.ts for what each may do).
    role: z.enum(ROLES),
    // Hex SHA-256 of the token (`printf %s "$TOKEN" | sha256sum`); the token itself never appears here.
    sha256: z
      .string()
      .check((ctx) => {
        // The message never echoes the value: a token pasted here by mistake must not reach a log.
        if (!/^[0-9a-fA-F]{64}$/.test(ctx.value)) {
          ctx.issues.push({
            code: 'custom',
            message: 'must be the 64-character hex SHA-256 of the token, not the token itself',
            input: undefined,
          });
        } else if (ctx.value.toLowerCase() === EMPTY_SHA256) {
          ctx.issues.push({ code: 'custom', message: 'is the SHA-256 of an empty token', input: undefined });
        }
      })
      .transform((hex) => hex.toLowerCase()),
    // Restrict promote/approve to these rules. Default: every rule.
    promotions: z.array(name).min(1, 'promotions is empty; remove it to allow every rule').optional(),
  });

  return apiToken;
}
