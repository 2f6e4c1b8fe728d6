import { after } from 'node:test';
import { pgliteTestBackend } from './test-backends.ts';
import { uploadSessionSuite } from './upload-session-store.suite.ts';

const backend = pgliteTestBackend();
after(() => backend.dispose());
uploadSessionSuite(backend);
