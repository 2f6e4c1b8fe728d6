import { defineSecretExposureSuite } from './secret-exposure.suite.ts';

await defineSecretExposureSuite('postgresql');
