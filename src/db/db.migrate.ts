import type { Db, DbTx } from './db.client.ts';

export interface Migration {
  version: number;
  name: string;
  up(tx: DbTx): Promise<void>;
}

/**
 * Applies pending migrations of one store. The advisory lock makes two processes starting at
 * once take turns; the second sees the versions the first applied and does nothing.
 */
/** a migration may build an index over every row, and a second process waits for the lock meanwhile */
const MAINTENANCE = { unbounded: true };

export async function migrate(db: Db, store: string, migrations: Migration[]): Promise<number[]> {
  return db.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock(hashtext($1))', [`vitrina-migrate:${store}`]);
    await tx.query(`create table if not exists schema_migrations (
      store text not null,
      version int not null,
      name text not null,
      applied_at timestamptz not null default now(),
      primary key (store, version))`);
    const done = await tx.query<{ version: number }>(
      'select version from schema_migrations where store = $1',
      [store],
    );
    const applied = new Set(done.rows.map((r) => r.version));
    const newlyApplied: number[] = [];
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (applied.has(m.version)) continue;
      await m.up(tx);
      await tx.query('insert into schema_migrations (store, version, name) values ($1, $2, $3)', [
        store,
        m.version,
        m.name,
      ]);
      newlyApplied.push(m.version);
    }
    return newlyApplied;
  }, MAINTENANCE);
}
