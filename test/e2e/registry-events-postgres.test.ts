import { defineRegistryEventsSuite } from './registry-events-suite.ts';

await defineRegistryEventsSuite('postgresql');
