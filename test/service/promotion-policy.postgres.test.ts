// The same suite on PostgreSQL (see harnessBackend).
process.env.FERRY_TEST_BACKEND = 'postgres';
await import('./promotion-policy.test.ts');
