import { describe, it } from 'node:test';
import { freshServerDatabase, serverUnavailableReason, testConfig } from '../helpers/test-env.ts';
import { catalogSuite } from './catalog.suite.ts';

const unavailable = await serverUnavailableReason();
if (unavailable) {
  console.log(`# skipping the PostgreSQL server catalog tests: ${unavailable}`);
  describe('catalog on PostgreSQL server', () => it('needs a server', { skip: unavailable }, () => {}));
} else {
  const schema = await freshServerDatabase();
  catalogSuite('PostgreSQL server', () => testConfig({ databaseUrl: schema.url }), schema.drop);
}
