import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createAppContext, type AppContext } from '../../src/app/app.context.ts';
import type { Actor } from '../../src/catalog/catalog.audit.ts';
import type { ImportJobRepository } from '../../src/import/import-job.repository.ts';
import type { ImportJobService } from '../../src/import/import-job.service.ts';
import { createImportWorker } from '../../src/import/import.worker.ts';
import { freshServerDatabase, serverUnavailableReason, testConfig } from '../helpers/test-env.ts';

const editor: Actor = { userId: null, label: 'editor@test', address: null };
const unavailable = await serverUnavailableReason();

/**
 * Two web processes on one PostgreSQL database (two app contexts, two pools, two workers): every
 * queued import runs exactly once, and a job whose process died is taken over from its checkpoint.
 */
describe('import jobs on a PostgreSQL server shared by two processes', { skip: unavailable }, () => {
  let schema: Awaited<ReturnType<typeof freshServerDatabase>>;
  let a: AppContext;
  let b: AppContext;

  before(async () => {
    schema = await freshServerDatabase();
    const dataDir = (await testConfig()).dataDir; // one DATA_DIR, as several processes must share
    a = await createAppContext(await testConfig({ databaseUrl: schema.url, dataDir }));
    b = await createAppContext(await testConfig({ databaseUrl: schema.url, dataDir }));
  });
  after(async () => {
    await a?.close();
    await b?.close();
    await schema?.drop();
  });

  async function upload(imports: ImportJobService, name: string, rows: number, prefix: string) {
    const dir = await imports.incomingDir();
    const lines = ['sku,name,price'];
    for (let i = 1; i <= rows; i++) lines.push(`${prefix}-${i},Item ${i},${i}`);
    await fs.writeFile(path.join(dir, 'table'), lines.join('\n'));
    return imports.start({ table: { path: path.join(dir, 'table'), name } }, {}, editor);
  }

  const worker = (ctx: AppContext, jobs: ImportJobRepository = ctx.importJobs) =>
    createImportWorker({ service: ctx.importsWith({ jobs }), jobs, exclusive: false, pollMs: 60_000 });

  it('runs each queued job once with two workers claiming at the same time', async () => {
    const imports = a.importsWith();
    const jobs = [];
    for (let i = 0; i < 4; i++) jobs.push(await upload(imports, `f${i}.csv`, 15, `P${i}`));
    const [wa, wb] = [worker(a), worker(b)];
    await Promise.all([wa.poke(), wb.poke()]);
    for (const job of jobs) {
      const done = (await imports.get(job.id))!;
      assert.equal(done.status, 'done');
      assert.deepEqual([done.imported, done.updated, done.processedRows, done.attempts], [15, 0, 15, 1]);
    }
    assert.equal(await a.catalog.count(), 60);
  });

  it('takes over a job whose process stopped renewing its lease, from the next row', async () => {
    const imports = a.importsWith();
    const job = await upload(imports, 'takeover.csv', 12, 'T');
    // process A claims it, writes 4 rows and dies (its lease is never renewed)
    let written = 0;
    let died!: () => void;
    const dead = new Promise<void>((r) => (died = r));
    const dying: ImportJobRepository = {
      ...a.importJobs,
      async rowWritten(tx, id, w, rowIndex, created) {
        if (written++ >= 4) {
          died();
          throw new Error('killed');
        }
        return a.importJobs.rowWritten(tx, id, w, rowIndex, created);
      },
      heartbeat: async () => ({ ours: true, cancel: false }),
      release: async () => {},
      claim: async (w, lease) => (written > 4 ? null : a.importJobs.claim(w, lease)),
    };
    const run = worker(a, dying).poke();
    await dead;
    await run;
    const midway = (await imports.get(job.id))!;
    assert.deepEqual([midway.status, midway.processedRows], ['running', 4]);
    // process B does not take a job whose lease still runs…
    await worker(b).poke();
    assert.equal((await imports.get(job.id))!.processedRows, 4);
    // …and does once it has run out
    await a.stores.catalog.query(
      `update import_jobs set claimed_until = now() - interval '1 second' where id = $1`,
      [job.id],
    );
    await worker(b).poke();
    const done = (await imports.get(job.id))!;
    assert.deepEqual([done.status, done.processedRows, done.imported, done.attempts], ['done', 12, 12, 2]);
  });
});
