import { storeSuite } from '../store/store-suite.ts';
import { dropTestDatabase, testDatabase, testDatabaseName, testPrefix } from '../helpers/test-services.ts';

// The store suite against the PostgreSQL server at 127.0.0.1:5432, in a database of its own.
storeSuite('PostgreSQL', () => {
  const prefix = testPrefix('store-pg');
  return { db: testDatabase(prefix), prefix, cleanUp: async () => dropTestDatabase(testDatabaseName(prefix)) };
});
