// The same suite on PostgreSQL: the attested/attestation_failed events are stored there.
process.env.FERRY_TEST_BACKEND = 'postgres';
await import('./promotion-attestations.test.ts');
