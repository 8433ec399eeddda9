import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openStores } from '../../src/db/db.stores.ts';
import { catalogMigrations } from '../../src/db/migrations/catalog.migrations.ts';
import { vectorMigrations } from '../../src/db/migrations/vector.migrations.ts';
import { storeMatrix } from '../helpers/stores.ts';
import { freshServerDatabase, serverUnavailableReason, tempDir } from '../helpers/test-env.ts';

const unavailable = await serverUnavailableReason();
const matrix = await storeMatrix();

describe('stores and migrations', () => {
  for (const store of matrix)
    it(
      `creates both schemas in one ${store.name} database and is idempotent across restarts`,
      { skip: store.skip },
      async () => {
        const opened = await store.open();
        try {
          const dataDir = await tempDir(); // the embedded store keeps its files here, across the restart
          const config = { dataDir, databaseUrl: opened.url, vectorDatabaseUrl: undefined };
          const first = await openStores(config);
          assert.equal(first.vectors, first.catalog);
          assert.equal(first.vectorError, undefined);
          const { rows } = await first.catalog.query<{ store: string }>(
            'select store from schema_migrations order by store, version',
          );
          assert.deepEqual(
            rows.map((r) => r.store),
            [...catalogMigrations.map(() => 'catalog'), ...vectorMigrations.map(() => 'vectors')],
          );
          await first.catalog.query(
            `insert into products (sku, name) values ('KEEP', 'kept across restarts')`,
          );
          await first.close();
          const second = await openStores(config);
          const kept = await second.catalog.query('select name from products');
          assert.deepEqual(kept.rows, [{ name: 'kept across restarts' }]);
          const again = await second.catalog.query('select count(*)::int as n from schema_migrations');
          assert.equal(again.rows[0]!.n, catalogMigrations.length + vectorMigrations.length);
          await second.close();
        } finally {
          await opened.close();
        }
      },
    );

  it(
    'on two server databases (DATABASE_URL and VECTOR_DATABASE_URL): each gets its own schema',
    { skip: unavailable },
    async () => {
      const [catalogDb, vectorDb] = await Promise.all([freshServerDatabase(), freshServerDatabase()]);
      try {
        const stores = await openStores({
          dataDir: await tempDir(),
          databaseUrl: catalogDb.url,
          vectorDatabaseUrl: vectorDb.url,
        });
        try {
          assert.notEqual(stores.vectors, stores.catalog);
          assert.equal(stores.vectors?.kind, 'server');
          const tables = async (db: NonNullable<typeof stores.vectors>) =>
            (
              await db.query<{ t: string }>(
                `select table_name as t from information_schema.tables
                 where table_schema = 'public' and table_name in ('products', 'image_embeddings', 'index_tasks')
                 order by 1`,
              )
            ).rows.map((r) => r.t);
          assert.deepEqual(await tables(stores.catalog), ['products']);
          assert.deepEqual(await tables(stores.vectors!), ['image_embeddings', 'index_tasks']);
        } finally {
          await stores.close();
        }
      } finally {
        await Promise.all([catalogDb.drop(), vectorDb.drop()]);
      }
    },
  );

  it(
    'on a server: two processes migrating at once apply each version once',
    { skip: unavailable },
    async () => {
      const schema = await freshServerDatabase();
      try {
        const config = {
          dataDir: 'memory://',
          databaseUrl: schema.url,
          vectorDatabaseUrl: 'embedded' as const,
        };
        const [a, b] = await Promise.all([openStores(config), openStores(config)]);
        const { rows } = await a.catalog.query<{ n: number }>(
          'select count(*)::int as n from schema_migrations',
        );
        assert.equal(rows[0]!.n, catalogMigrations.length); // on the server: catalog only; vectors are embedded
        assert.equal(a.vectors?.kind, 'embedded');
        await a.close();
        await b.close();
      } finally {
        await schema.drop();
      }
    },
  );

  it(
    'on a server without pgvector: the catalog works and the vector store explains what to install',
    { skip: unavailable },
    async () => {
      // pgvector is installed on the test server; a role that may not create it sees the same refusal
      const schema = await freshServerDatabase({ owner: 'unprivileged' });
      try {
        const stores = await openStores({
          dataDir: await tempDir(),
          databaseUrl: schema.url,
          vectorDatabaseUrl: undefined,
        });
        assert.equal(stores.vectors, null);
        assert.match(
          stores.vectorError ?? '',
          /pgvector.*apt-get install postgresql-<version>-pgvector.*VECTOR_DATABASE_URL=embedded/s,
        );
        await stores.catalog.query(`insert into products (sku, name) values ('A', 'works')`);
        await stores.close();
      } finally {
        await schema.drop();
      }
    },
  );
});
