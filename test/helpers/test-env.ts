import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import sharp from 'sharp';
import { loadConfig } from '../../src/config/config.load.ts';
import type { AppConfig } from '../../src/config/config.schema.ts';

export const repoRoot = path.resolve(import.meta.dirname, '../..');
export const sharedDir = path.resolve(repoRoot, '../shared');
export const groceryDir = path.join(sharedDir, 'datasets/grocery-store');
export const mobilenetDir = path.join(sharedDir, 'models/mobilenetv2-12-int8');

export const SERVER_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export async function tempDir(prefix = 'vitrina-test-'): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), prefix));
}

/** A config for tests: in-memory embedded DB unless a database URL is given. */
export async function testConfig(overrides: Partial<AppConfig> = {}): Promise<AppConfig> {
  const dataDir = await tempDir();
  // no background gallery unless a test brings its own: embedding ~900 Debian images is eval's job
  return loadConfig(
    { DATA_DIR: dataDir, LOG_LEVEL: 'silent', BACKGROUND_DIR: 'none' },
    { dataDir, ...overrides },
  );
}

/** Whether this machine's PostgreSQL server answers; the server-backed tests skip with this reason otherwise. */
export async function serverUnavailableReason(): Promise<string | false> {
  const client = new pg.Client({ connectionString: SERVER_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return false;
  } catch (error) {
    return `no PostgreSQL server answers at ${SERVER_URL} (${(error as Error).message})`;
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * A database of its own on the test server, created for the caller and dropped after: runs never see
 * each other's rows, and an extension (pgvector, pg_trgm) belongs to exactly one run. With `owner`,
 * the database belongs to a role without superuser rights, which may not create pgvector (it is not
 * a trusted extension): a server "without pgvector" on a machine that has it installed.
 */
export async function freshServerDatabase(
  options: { owner?: 'unprivileged' } = {},
): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const name = `vitrina_t_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: SERVER_URL });
  await admin.connect();
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  try {
    if (options.owner) {
      await admin.query(`create role ${name} login nosuperuser nocreatedb nocreaterole`);
      await admin.query(`create database ${name} owner ${name}`);
      url.username = name;
      url.password = '';
    } else {
      await admin.query(`create database ${name}`);
    }
  } finally {
    await admin.end();
  }
  return {
    url: url.toString(),
    name,
    async drop() {
      const c = new pg.Client({ connectionString: SERVER_URL });
      await c.connect();
      try {
        await c.query(`drop database if exists ${name} with (force)`);
        if (options.owner) await c.query(`drop role if exists ${name}`);
      } finally {
        await c.end();
      }
    },
  };
}

/** A small real image file; colour and size chosen by the test. */
export async function writeImage(
  file: string,
  color: { r: number; g: number; b: number },
  format: 'png' | 'jpeg' | 'webp' | 'gif' = 'png',
  size = 64,
): Promise<string> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  await sharp({ create: { width: size, height: size, channels: 3, background: color } })
    .toFormat(format)
    .toFile(file);
  return file;
}
