// The same suite on PostgreSQL: the verdicts are stored as audit events there.
process.env.FERRY_TEST_BACKEND = 'postgres';
await import('./promotion-signatures.test.ts');
