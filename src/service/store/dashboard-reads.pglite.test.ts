import { after } from 'node:test';
import { dashboardReadsSuite } from './dashboard-reads.suite.ts';
import { pgliteTestBackend } from './test-backends.ts';

const backend = pgliteTestBackend();
after(() => backend.dispose());
dashboardReadsSuite(backend);
