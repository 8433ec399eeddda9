import pg from 'pg';
import { appError } from '../errors/app-error.ts';
import { createDbFromPool, describeUrl, serverPoolTimeouts, type Db, type DbTimeouts } from './db.client.ts';

export interface ServerDbOptions {
  max?: number;
  /** which store this is, named in STORE_UNAVAILABLE */
  store?: 'catalog' | 'vector';
  timeouts?: DbTimeouts & { connectTimeoutMs: number };
}

/** Without config (tools, tests): the defaults of DB_CONNECT_TIMEOUT_MS and DB_STATEMENT_TIMEOUT_MS. */
const DEFAULT_TIMEOUTS = { connectTimeoutMs: 1000, statementTimeoutMs: 1250 };

export async function openServerDb(url: string, options: ServerDbOptions = {}): Promise<Db> {
  const label = describeUrl(url);
  const timeouts = options.timeouts ?? DEFAULT_TIMEOUTS;
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    ...serverPoolTimeouts(timeouts),
  });
  try {
    await pool.query('select 1');
  } catch (error) {
    await pool.end().catch(() => {});
    const reason = error instanceof Error ? error.message : String(error);
    throw appError('DB_UNREACHABLE', { label, reason }, { cause: error });
  }
  return createDbFromPool(pool, 'server', label, { store: options.store, timeouts });
}
