import { migration001 } from './001-initial.ts';
import { migration002 } from './002-releases.ts';
import { migration003 } from './003-list-filters.ts';
import { migration004 } from './004-registry-slots.ts';
import { migration005 } from './005-approver-identity.ts';
import { migration006 } from './006-upload-sessions.ts';
import { migration007 } from './007-dashboard-filters.ts';
import { migration008 } from './008-promotion-blobs.ts';
import { migration009 } from './009-session-revocations.ts';
import { migration010 } from './010-requester-identity.ts';

export interface Migration {
  /** 1, 2, 3…: applied in order, each exactly once. */
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/** Every migration this build knows, in order. Append only. */
export const MIGRATIONS: readonly Migration[] = [
  migration001,
  migration002,
  migration003,
  migration004,
  migration005,
  migration006,
  migration007,
  migration008,
  migration009,
  migration010,
];
