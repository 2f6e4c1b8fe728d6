import { defineServeSuite } from './serve-suite.ts';

await defineServeSuite('embedded');
