import pg from 'pg';
import { appError } from '../errors/app-error.ts';
import { createDbFromPool, describeUrl, type Db } from './db.client.ts';

export async function openServerDb(url: string, options: { max?: number } = {}): Promise<Db> {
  const label = describeUrl(url);
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10, connectionTimeoutMillis: 5000 });
  try {
    await pool.query('select 1');
  } catch (error) {
    await pool.end().catch(() => {});
    const reason = error instanceof Error ? error.message : String(error);
    throw appError('DB_UNREACHABLE', { label, reason }, { cause: error });
  }
  return createDbFromPool(pool, 'server', label);
}
