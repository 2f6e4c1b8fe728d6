import { after } from 'node:test';
import { releaseStoreSuite } from './release-store.suite.ts';
import { pgliteTestBackend } from './test-backends.ts';

const backend = pgliteTestBackend();
after(() => backend.dispose());
releaseStoreSuite(backend);
