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
 * A fresh schema on the test server per test file, so runs never see each other's rows.
 * pg_trgm lives in public (an extension exists once per database), hence public on the path.
 */
export async function freshServerSchema(): Promise<{ url: string; drop(): Promise<void> }> {
  const schema = `vitrina_t_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: SERVER_URL });
  await admin.connect();
  try {
    await admin.query('create extension if not exists pg_trgm with schema public');
  } catch {
    // another test file created it at the same moment
  }
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const url = new URL(SERVER_URL);
  url.searchParams.set('options', `-c search_path=${schema},public`);
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: SERVER_URL });
      await c.connect();
      await c.query(`drop schema if exists ${schema} cascade`);
      await c.end();
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
