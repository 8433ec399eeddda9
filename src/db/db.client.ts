import pg from 'pg';
import { appError, isAppError } from '../errors/app-error.ts';

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
  /**
   * `unbounded`: no statement timeout, for maintenance that may outlast any request (migrations,
   * index builds). Everything else is cut off after the pool's statement timeout.
   */
  transaction<T>(fn: (tx: DbTx) => Promise<T>, options?: { unbounded?: boolean }): Promise<T>;
  close(): Promise<void>;
}

export type DbTx = Pick<Db, 'query'>;

/** How long a server may take before a request gives up on it (config: DB_*_TIMEOUT_MS); 0 = no limit. */
export interface DbTimeouts {
  statementTimeoutMs: number;
}

/**
 * A frozen server (SIGSTOP, a hung host) never answers, so its own statement_timeout never fires:
 * the client gives up a little after it. The grace lets a live server's cancel arrive first, which
 * keeps the connection usable.
 */
const CLIENT_GRACE_MS = 250;
/** setTimeout's ceiling: pg treats a query_timeout of 0 as "use the pool's", so "none" is this */
const NO_TIMEOUT_MS = 2 ** 31 - 1;

export function createDbFromPool(
  pool: pg.Pool,
  kind: Db['kind'],
  label: string,
  options: { store?: 'catalog' | 'vector'; timeouts?: DbTimeouts; onClose?: () => Promise<void> } = {},
): Db {
  const store = options.store ?? 'catalog';
  const statementMs = options.timeouts?.statementTimeoutMs ?? 0;
  // A pool error (server restart, network drop) must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  const unavailable = (error: unknown): unknown =>
    isConnectionFailure(error) ? appError('STORE_UNAVAILABLE', { store }, { cause: error }) : error;
  return {
    kind,
    label,
    // pool.query discards the connection when its query failed, so a timed-out one is not reused.
    query: (text, params) =>
      pool.query(text, params as unknown[]).catch((e: unknown) => Promise.reject(unavailable(e))),
    async transaction(fn, { unbounded = false } = {}) {
      const client = await pool.connect().catch((e: unknown) => Promise.reject(unavailable(e)));
      const limit = unbounded && statementMs > 0 ? NO_TIMEOUT_MS : undefined;
      const run = <R extends pg.QueryResultRow>(text: string, params?: unknown[]) => {
        // pg reads a per-query query_timeout (client.js) though its types do not list it
        const config: pg.QueryConfig & { query_timeout?: number } = { text, values: params };
        if (limit) config.query_timeout = limit;
        return client.query<R>(config);
      };
      let dropped: Error | undefined;
      const suspect = (error: unknown) => {
        const raw = isAppError(error) && error.cause !== undefined ? error.cause : error;
        if (!dropped && leavesConnectionUnusable(raw))
          dropped = raw instanceof Error ? raw : new Error(String(raw));
      };
      try {
        await run('BEGIN');
        if (limit) await run('set local statement_timeout = 0');
        const result = await fn({
          async query<R extends pg.QueryResultRow>(text: string, params?: unknown[]) {
            try {
              return await run<R>(text, params);
            } catch (error) {
              suspect(error);
              throw unavailable(error);
            }
          },
        });
        await run('COMMIT');
        return result;
      } catch (error) {
        suspect(error);
        // A connection that timed out may still have the statement running: ROLLBACK would queue
        // behind it (on a frozen server, forever), so the connection is dropped instead.
        if (!dropped) {
          await run('ROLLBACK').catch((e: unknown) => {
            dropped = e instanceof Error ? e : new Error(String(e)); // a failed ROLLBACK leaves it unknown
          });
        }
        throw unavailable(error);
      } finally {
        client.release(dropped);
      }
    },
    async close() {
      await pool.end();
      await options.onClose?.();
    },
  };
}

/** pool settings for a server: how long to wait for a connection and for each statement */
export function serverPoolTimeouts(timeouts: DbTimeouts & { connectTimeoutMs: number }): pg.PoolConfig {
  const statement = timeouts.statementTimeoutMs;
  return {
    connectionTimeoutMillis: timeouts.connectTimeoutMs || undefined,
    ...(statement > 0 ? { statement_timeout: statement, query_timeout: statement + CLIENT_GRACE_MS } : {}),
    // JIT pays off only for long analytic queries, and compiling (plus loading LLVM, ~1 s on a
    // backend's first use) ate a request's whole statement budget on 12-row kNN queries
    options: '-c jit=off',
    // a peer that vanished from the network (no FIN, no RST) is noticed by the kernel, not never
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
  };
}

/** SQLSTATE classes and codes that mean the server, not the statement, is the problem */
const UNAVAILABLE_STATES = new Set([
  '57014', // query_canceled: the statement timeout fired (locks, overload)
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: starting up or shutting down
  '53300', // too_many_connections
]);

const UNAVAILABLE_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Query read timeout|timeout expired|Client has encountered a connection error|Connection closed|the database system is (starting up|shutting down|in recovery mode)/i;

/** The statement timeout leaves the connection fine; every other failure of the store does not. */
function leavesConnectionUnusable(error: unknown): boolean {
  return isConnectionFailure(error) && (error as { code?: unknown }).code !== '57014';
}

/** Whether an error from pg means "the store is down or not answering" rather than a bad statement. */
export function isConnectionFailure(error: unknown): boolean {
  if (isAppError(error)) return error.code === 'STORE_UNAVAILABLE';
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (UNAVAILABLE_STATES.has(code) || code.startsWith('08')) return true;
    if (/^E(CONNREFUSED|CONNRESET|PIPE|TIMEDOUT|HOSTUNREACH|NETUNREACH|NOTFOUND|AI_AGAIN)$/.test(code))
      return true;
  }
  return UNAVAILABLE_MESSAGES.test(error.message);
}

export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return 'the configured server';
  }
}
