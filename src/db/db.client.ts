import pg from 'pg';

// numeric and bigint → JS number: prices and ids fit in a double and the API returns numbers.
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

/** The one data-access path: node-postgres, against a server or against embedded PGlite. */
export interface Db {
  readonly kind: 'embedded' | 'server';
  /** host/database for messages, never the password */
  readonly label: string;
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    text: string,
    params?: unknown[],
  ): Promise<pg.QueryResult<R>>;
  transaction<T>(fn: (tx: DbTx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export type DbTx = Pick<Db, 'query'>;

export function createDbFromPool(
  pool: pg.Pool,
  kind: Db['kind'],
  label: string,
  onClose?: () => Promise<void>,
): Db {
  // A pool error (server restart, network drop) must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  return {
    kind,
    label,
    query: (text, params) => pool.query(text, params as unknown[]),
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn({ query: (text, params) => client.query(text, params as unknown[]) });
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    async close() {
      await pool.end();
      await onClose?.();
    },
  };
}

export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return 'the configured server';
  }
}
