import { definePromotionApiSuite } from './promotion-api.suite.ts';

await definePromotionApiSuite('postgresql');
