// The same suite on PostgreSQL.
process.env.FERRY_TEST_BACKEND = 'postgres';
await import('./releases-rollback.test.ts');
