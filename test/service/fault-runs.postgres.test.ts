// The same fault runs on PostgreSQL.
process.env.FERRY_TEST_BACKEND = 'postgres';
await import('./fault-runs.test.ts');
