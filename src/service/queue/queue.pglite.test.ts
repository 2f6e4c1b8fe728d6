import { after } from 'node:test';
import { pgliteTestBackend } from '../store/test-backends.ts';
import { queueSuite } from './queue.suite.ts';

const backend = pgliteTestBackend();
after(() => backend.dispose());
queueSuite(backend);
