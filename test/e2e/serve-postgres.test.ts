import { defineServeSuite } from './serve-suite.ts';

await defineServeSuite('postgresql');
