import type { AppConfig } from '../../src/config/config.schema.ts';
import { freshServerDatabase, serverUnavailableReason } from './test-env.ts';

/** A store opened for one describe block: the config that points at it, dropped by `close()`. */
export interface OpenedStore {
  /** overrides for testConfig(): nothing for the embedded store, DATABASE_URL for the server */
  config: Partial<AppConfig>;
  /** the server database's URL (a second pool or process connects to it), undefined when embedded */
  url: string | undefined;
  close(): Promise<void>;
}

export interface TestStore {
  name: 'embedded' | 'server';
  /** describe()'s skip option: false, or why this half cannot run here */
  skip: string | false;
  /** a store of its own: an in-memory embedded database, or a fresh database on the test server */
  open(): Promise<OpenedStore>;
}

let reason: Promise<string | false> | undefined;

/**
 * The stores every store-backed suite runs on: `for (const store of await storeMatrix())
 * describe(`… (${store.name} store)`, { skip: store.skip }, …)`. The server half is skipped, with
 * the reason printed, only when no PostgreSQL server answers.
 */
export async function storeMatrix(): Promise<TestStore[]> {
  reason ??= serverUnavailableReason().then((r) => {
    if (r) console.log(`# skipping the PostgreSQL server half: ${r}`);
    return r;
  });
  const unavailable = await reason;
  return [
    {
      name: 'embedded',
      skip: false,
      open: async () => ({ config: {}, url: undefined, close: async () => {} }),
    },
    {
      name: 'server',
      skip: unavailable,
      async open() {
        const db = await freshServerDatabase();
        return { config: { databaseUrl: db.url }, url: db.url, close: () => db.drop() };
      },
    },
  ];
}
