import { defineSignInSuite } from './sign-in.suite.ts';

await defineSignInSuite('postgresql');
