/**
 * The PostgreSQL server side of the benchmarks: `--store embedded|server|both`, and the named
 * databases the server runs use on 127.0.0.1:5432 (BENCH_SERVER_URL overrides the server).
 *
 * bench:index fills `vitrina_bench` and keeps it for bench:search, as it keeps bench/.data/index-db
 * for the embedded store; bench:knn-scale uses `vitrina_bench_knn` and drops it unless --keep.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import pg from 'pg';

export const SERVER_URL = process.env.BENCH_SERVER_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** catalog + vectors of the indexed benchmark catalog on the server (bench:index → bench:search) */
export const BENCH_DB = 'vitrina_bench';
/** synthetic vectors for kNN at scale (bench:knn-scale) */
export const KNN_DB = 'vitrina_bench_knn';

export type StoreKind = 'embedded' | 'server';

/** `--store embedded|server|both` → the stores to run, embedded first; unknown values fail fast. */
export function parseStores(
  value: string | undefined,
  fallback: 'embedded' | 'both' = 'embedded',
): StoreKind[] {
  const v = value ?? fallback;
  if (v === 'both') return ['embedded', 'server'];
  if (v === 'embedded' || v === 'server') return [v];
  throw new Error(`--store must be embedded, server or both (got "${v}")`);
}

export function databaseUrl(name: string): string {
  const u = new URL(SERVER_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

async function withAdmin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: SERVER_URL, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const ident = (name: string) => {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad database name "${name}"`);
  return name;
};

export async function databaseExists(name: string): Promise<boolean> {
  return withAdmin(async (c) => {
    const { rowCount } = await c.query('select 1 from pg_database where datname = $1', [name]);
    return (rowCount ?? 0) > 0;
  });
}

/** Drops (when present) and creates the database; returns its URL. */
export async function recreateDatabase(name: string): Promise<string> {
  await dropDatabase(name);
  await withAdmin((c) => c.query(`create database ${ident(name)}`));
  return databaseUrl(name);
}

export async function dropDatabase(name: string): Promise<void> {
  await withAdmin((c) => c.query(`drop database if exists ${ident(name)} with (force)`));
}

/** Server version and the settings that shape kNN and index builds, for the report. */
export async function serverSettings(): Promise<Record<string, string>> {
  return withAdmin(async (c) => {
    const out: Record<string, string> = {};
    const { rows } = await c.query<{ v: string }>('select version() as v');
    out.version = rows[0]?.v.replace(/ on x86_64.*$/, '') ?? '';
    const ext = await c.query<{ v: string }>(
      "select default_version as v from pg_available_extensions where name = 'vector'",
    );
    out.pgvector = ext.rows[0]?.v ?? 'absent';
    for (const s of [
      'shared_buffers',
      'work_mem',
      'maintenance_work_mem',
      'max_parallel_maintenance_workers',
      'max_parallel_workers_per_gather',
      'jit',
    ]) {
      const r = await c.query<Record<string, string>>(`show ${s}`);
      out[s] = Object.values(r.rows[0] ?? {})[0] ?? '';
    }
    return out;
  });
}

/** Resident memory of the machine in use (MemTotal − MemAvailable), MB; undefined off Linux. */
export function machineUsedMb(): number | undefined {
  try {
    const info = readFileSync('/proc/meminfo', 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(info)?.[1] ?? NaN);
    return (kb('MemTotal') - kb('MemAvailable')) / 1024;
  } catch {
    return undefined;
  }
}

/** Resident memory of one process (VmRSS, including the shared memory it touched), MB. */
export function processRssMb(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? NaN);
    return Number.isFinite(kb) ? kb / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** psql on PATH (COPY in binary format needs a client that streams stdin; node-postgres does not). */
export function hasPsql(): boolean {
  try {
    execFileSync('psql', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
