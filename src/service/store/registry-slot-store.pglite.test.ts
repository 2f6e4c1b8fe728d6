import { after } from 'node:test';
import { registrySlotSuite } from './registry-slot-store.suite.ts';
import { pgliteTestBackend } from './test-backends.ts';

const backend = pgliteTestBackend();
after(() => backend.dispose());
registrySlotSuite(backend);
