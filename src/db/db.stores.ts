import path from 'node:path';
import type { AppConfig } from '../config/config.schema.ts';
import { isAppError } from '../errors/app-error.ts';
import type { Db } from './db.client.ts';
import { openEmbeddedDb } from './db.embedded.ts';
import { migrate } from './db.migrate.ts';
import { openServerDb } from './db.server.ts';
import { catalogMigrations } from './migrations/catalog.migrations.ts';
import { vectorMigrations } from './migrations/vector.migrations.ts';

export interface Stores {
  catalog: Db;
  /** null when the vector store cannot serve (no pgvector); vectorError says why */
  vectors: Db | null;
  vectorError: string | undefined;
  close(): Promise<void>;
}

export type StoreConfig = Pick<AppConfig, 'dataDir' | 'databaseUrl' | 'vectorDatabaseUrl'> &
  Partial<Pick<AppConfig, 'dbConnectTimeoutMs' | 'dbStatementTimeoutMs'>>;

/** Opens the catalog and the vector store and brings both schemas up to date. */
export async function openStores(config: StoreConfig): Promise<Stores> {
  const timeouts =
    config.dbConnectTimeoutMs === undefined || config.dbStatementTimeoutMs === undefined
      ? undefined
      : { connectTimeoutMs: config.dbConnectTimeoutMs, statementTimeoutMs: config.dbStatementTimeoutMs };
  const catalog = config.databaseUrl
    ? await openServerDb(config.databaseUrl, { store: 'catalog', timeouts })
    : await openEmbeddedDb(embeddedDir(config.dataDir, 'db'));
  const opened: Db[] = [catalog];
  try {
    await migrate(catalog, 'catalog', catalogMigrations);
    let vectors: Db | null = catalog;
    const v = config.vectorDatabaseUrl;
    if (v === 'embedded' && catalog.kind === 'server') {
      vectors = await openEmbeddedDb(embeddedDir(config.dataDir, 'vector-db'));
      opened.push(vectors);
    } else if (v && v !== 'embedded' && v !== config.databaseUrl) {
      vectors = await openServerDb(v, { store: 'vector', timeouts });
      opened.push(vectors);
    }
    let vectorError: string | undefined;
    try {
      await migrate(vectors, 'vectors', vectorMigrations);
    } catch (error) {
      vectorError = explainVectorFailure(vectors, error);
      vectors = null;
    }
    return {
      catalog,
      vectors,
      vectorError,
      async close() {
        for (const db of opened.reverse()) await db.close();
      },
    };
  } catch (error) {
    for (const db of opened.reverse()) await db.close().catch(() => {});
    throw error;
  }
}

function embeddedDir(dataDir: string, name: string): string {
  return dataDir.startsWith('memory://') ? dataDir : path.join(dataDir, name);
}

function explainVectorFailure(db: Db, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/extension "vector"|vector\.control/i.test(message)) {
    return (
      `The vector store ${db.label} has no pgvector extension, so search by photo is unavailable. ` +
      'Install it on the server (Debian/Ubuntu: apt-get install postgresql-<version>-pgvector) ' +
      'or set VECTOR_DATABASE_URL=embedded to keep vectors in the embedded database.'
    );
  }
  return `The vector store ${db.label} could not be prepared (${message}); search by photo is unavailable.`;
}

export interface StoreHealth {
  /** 'ok' or 'unavailable: why' (the JSON of GET /api/health) */
  catalog: string;
  vector_store: string;
}

/** Asks each store for `select 1` (bounded by the pool's timeouts), both at once. */
export async function checkStores(stores: Stores): Promise<StoreHealth> {
  const probe = (db: Db) =>
    db.query('select 1').then(
      () => 'ok',
      // the endpoint is public: the catalogue's words, not the driver's (which name hosts)
      (error: unknown) => (isAppError(error) ? `unavailable: ${error.message}` : 'unavailable'),
    );
  const catalog = probe(stores.catalog);
  const vectors = !stores.vectors
    ? Promise.resolve(`unavailable: ${stores.vectorError}`)
    : stores.vectors === stores.catalog
      ? catalog
      : probe(stores.vectors);
  return { catalog: await catalog, vector_store: await vectors };
}
