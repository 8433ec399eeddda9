import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import { vector } from '@electric-sql/pglite-pgvector';
import pg from 'pg';
import { appError } from '../errors/app-error.ts';
import { createDbFromPool, type Db } from './db.client.ts';

/**
 * PGlite keeps its files in one folder and must be opened by one process at a time: a second
 * process would corrupt it. A pid lock file turns that into a clear message instead.
 */
function acquireLock(dir: string): () => void {
  const lockPath = path.join(dir, '.vitrina.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lockPath, String(process.pid), { flag: 'wx' });
      return () => {
        try {
          if (fs.readFileSync(lockPath, 'utf8') === String(process.pid)) fs.unlinkSync(lockPath);
        } catch {
          // already gone
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(fs.readFileSync(lockPath, 'utf8'));
      if (owner && owner !== process.pid && isAlive(owner)) {
        throw appError('DB_LOCKED', { dir, pid: owner });
      }
      fs.rmSync(lockPath, { force: true }); // stale lock from a killed process
    }
  }
  throw appError('DB_LOCKED', { dir });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** dir 'memory://' gives a throwaway in-memory database (tests). */
export async function openEmbeddedDb(dir: string): Promise<Db> {
  const inMemory = dir.startsWith('memory://');
  let release = () => {};
  if (!inMemory) {
    fs.mkdirSync(dir, { recursive: true });
    release = acquireLock(dir);
  }
  try {
    const lite = await PGlite.create(inMemory ? undefined : dir, { extensions: { vector, pg_trgm } });
    // PGlite is single-connection; the pool of one serializes queries and transactions.
    const pool = new pg.Pool({ ...createPgConfig(lite), max: 1 });
    return createDbFromPool(pool, 'embedded', inMemory ? 'embedded (memory)' : `embedded (${dir})`, {
      onClose: async () => {
        await lite.close();
        release();
      },
    });
  } catch (error) {
    release();
    throw error;
  }
}
