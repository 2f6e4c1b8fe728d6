import { defineDashboardApiSuite } from './dashboard-api.suite.ts';

await defineDashboardApiSuite('postgresql');
