import path from 'node:path';
import type { AppConfig } from '../config/config.schema.ts';
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

export type StoreConfig = Pick<AppConfig, 'dataDir' | 'databaseUrl' | 'vectorDatabaseUrl'>;

/** Opens the catalog and the vector store and brings both schemas up to date. */
export async function openStores(config: StoreConfig): Promise<Stores> {
  const catalog = config.databaseUrl
    ? await openServerDb(config.databaseUrl)
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
      vectors = await openServerDb(v);
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
