/**
 * `npm run seed`: load the sample directory, categories, rules and SLA policy into the table named by
 * TABLE_NAME (DYNAMODB_ENDPOINT for a local engine). Existing items are kept.
 */
import { DynamoStore, documentClient } from '../../shared/adapters/dynamo-store.ts';
import { config } from '../../shared/config.ts';
import { seedSample } from './seed.ts';

const cfg = config();
const store = new DynamoStore(
  documentClient({ region: cfg.AWS_REGION, ...(cfg.DYNAMODB_ENDPOINT ? { endpoint: cfg.DYNAMODB_ENDPOINT } : {}) }),
  cfg.TABLE_NAME,
);
const written = await seedSample(store, new Date());
console.log(`seeded ${written} reference items into ${cfg.TABLE_NAME}`);
