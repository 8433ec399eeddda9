import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { createAppContext, type AppContext } from '../../src/app/app.context.ts';
import type { Actor } from '../../src/catalog/catalog.audit.ts';
import { isAppError } from '../../src/errors/app-error.ts';
import type { ImportJobRepository } from '../../src/import/import-job.repository.ts';
import { MAX_ATTEMPTS, type ImportJobService } from '../../src/import/import-job.service.ts';
import { createImportWorker } from '../../src/import/import.worker.ts';
import { storeMatrix, type OpenedStore } from '../helpers/stores.ts';
import { testConfig } from '../helpers/test-env.ts';
import { makeZip } from '../helpers/zip-writer.ts';
import { supplierWorkbook } from './workbook.fixture.ts';

const editor: Actor = { userId: null, label: 'editor@test', address: '127.0.0.1' };

const png = (r: number, g: number, b: number) =>
  sharp({ create: { width: 32, height: 32, channels: 3, background: { r, g, b } } })
    .png()
    .toBuffer();

for (const store of await storeMatrix())
  describe(`imports as jobs in the database (${store.name} store)`, { skip: store.skip }, () => {
    let opened: OpenedStore;
    let ctx: AppContext;
    let imports: ImportJobService;
    const audited: { action: string; subject: string | null | undefined; details: unknown }[] = [];

    before(async () => {
      opened = await store.open();
      ctx = await createAppContext(await testConfig(opened.config));
      imports = ctx.importsWith({
        audit: {
          record: async (_a, action, what) =>
            void audited.push({ action, ...what, subject: what.subject, details: what.details }),
        },
      });
    });
    after(async () => {
      await ctx?.close();
      await opened?.close();
    });
    // as the web process decides: only an embedded store may hand back every lease at start
    const exclusive = () => ctx.stores.catalog.kind === 'embedded';

    /** An upload as the page stores it: files in an incoming folder, then start(). */
    async function upload(
      table: { name: string; bytes: Buffer },
      options: Parameters<ImportJobService['start']>[1] = {},
      images?: { name: string; bytes: Buffer },
    ) {
      const dir = await imports.incomingDir();
      await fs.writeFile(path.join(dir, 'table'), table.bytes);
      if (images) await fs.writeFile(path.join(dir, 'images'), images.bytes);
      return imports.start(
        {
          table: { path: path.join(dir, 'table'), name: table.name },
          images: images ? { path: path.join(dir, 'images'), name: images.name } : undefined,
        },
        options,
        editor,
      );
    }

    async function runAll(jobs: ImportJobRepository = ctx.importJobs) {
      const worker = createImportWorker({ service: imports, jobs, exclusive: exclusive(), pollMs: 60_000 });
      await worker.start();
      await worker.idle();
      await worker.stop();
    }

    it('runs an uploaded workbook to the end: counts, failed rows with reasons (both languages), CSV, audit', async () => {
      const book = await supplierWorkbook();
      const job = await upload({ name: 'Прайс Фермер.xlsx', bytes: book.bytes }, { supplier: 'ООО Фермер' });
      assert.equal(job.status, 'queued', 'the two-row header matched by itself');
      assert.equal(job.sheet, 'Прайс');
      await runAll();
      const done = (await imports.get(job.id))!;
      assert.equal(done.status, 'done', done.errorEn ?? '');
      assert.deepEqual(
        [done.totalRows, done.processedRows, done.imported, done.updated, done.failed],
        [10, 10, book.products.length, 0, book.broken.length],
      );
      assert.equal(done.filesDir, null, 'the upload is removed once the job ends');
      const errors = await imports.errors(job.id);
      assert.deepEqual(
        errors.map((e) => e.line),
        book.broken.map((b) => b.line),
      );
      assert.equal(errors[0]!.reasonRu, 'нет артикула (sku)');
      const csv = await imports.errorsCsv(job.id, 'ru');
      assert.match(csv, /^\ufeffСтрока,Артикул,Причина\r\n13,,нет артикула \(sku\)\r\n/);
      assert.match(csv, /19,ML-003,.*E19/);
      // the supplier fills products whose rows name none
      const banana = (await ctx.catalog.list({ q: 'FR-001', page: 1, perPage: 1 })).items[0]!;
      assert.equal(banana.supplier, 'ООО Фермер');
      const events = audited
        .filter((a) => a.subject?.includes(`#${job.id}`))
        .map((a) => (a.details as { event: string }).event);
      assert.deepEqual(events, ['uploaded', 'finished']);
    });

    it('asks for the columns when the header does not name them, and remembers them for the supplier', async () => {
      const csv = 'Номер;Позиция;Сумма\nX-1;Вещь первая;10\nX-2;Вещь вторая;20\n';
      const job = await upload(
        { name: 'odd.csv', bytes: Buffer.from(csv) },
        { supplier: 'Странный поставщик' },
      );
      assert.equal(job.status, 'mapping');
      assert.deepEqual(job.columns, ['Номер', 'Позиция', 'Сумма']);
      assert.deepEqual(job.samples['Позиция'], ['Вещь первая', 'Вещь вторая']);
      await assert.rejects(
        imports.setMapping(job.id, { sku: 'Номер' }, editor),
        (e) => isAppError(e) && e.code === 'IMPORT_MAPPING_INVALID',
      );
      const queued = await imports.setMapping(
        job.id,
        { sku: 'Номер', name: 'Позиция', price: 'Сумма' },
        editor,
      );
      assert.equal(queued.status, 'queued');
      await assert.rejects(
        imports.setMapping(job.id, { sku: 'Номер', name: 'Позиция' }, editor),
        (e) => isAppError(e) && e.code === 'IMPORT_NOT_WAITING',
      );
      await runAll();
      assert.equal((await imports.get(job.id))!.imported, 2);
      // the same supplier's next file goes straight to the queue
      const next = await upload(
        { name: 'odd2.csv', bytes: Buffer.from(csv.replace('20', '25')) },
        { supplier: 'странный поставщик ' },
      );
      assert.equal(next.status, 'queued');
      assert.deepEqual(next.mapping, { sku: 'Номер', name: 'Позиция', price: 'Сумма' });
      await runAll();
      assert.equal((await imports.get(next.id))!.updated, 2);
    });

    it('reads images from the ZIP by the names in the rows or by SKU, and never from the server disk', async () => {
      const [red, green, blue] = await Promise.all([png(200, 0, 0), png(0, 200, 0), png(0, 0, 200)]);
      const zip = makeZip([
        { name: 'photos/red.png', data: red },
        { name: 'photos/Z-2.png', data: green },
        { name: 'photos/Z-2_2.png', data: blue },
      ]);
      const csv = [
        'sku,name,images',
        'Z-1,By name,red.png',
        'Z-2,By SKU,',
        'Z-3,Escape attempt,../../../../etc/hostname',
        'Z-4,Absolute path,/etc/hostname',
        'Z-5,Missing,nothere.jpg',
      ].join('\n');
      const job = await upload(
        { name: 'z.csv', bytes: Buffer.from(csv) },
        {},
        { name: 'photos.zip', bytes: zip },
      );
      await runAll();
      const done = (await imports.get(job.id))!;
      assert.deepEqual([done.imported, done.failed], [2, 3]);
      const reasons = (await imports.errors(job.id)).map((e) => e.code);
      assert.deepEqual(reasons, ['IMAGE_NOT_IN_ZIP', 'IMAGE_NOT_IN_ZIP', 'IMAGE_NOT_IN_ZIP']);
      const z2 = (await ctx.catalog.get(
        (await ctx.catalog.list({ q: 'Z-2', page: 1, perPage: 1 })).items[0]!.id,
      ))!;
      assert.equal(z2.images.length, 2, 'Z-2.png then Z-2_2.png');

      // without a ZIP a file name cannot be read at all
      const bare = await upload({
        name: 'bare.csv',
        bytes: Buffer.from('sku,name,images\nQ-1,Q,/etc/hostname\n'),
      });
      await runAll();
      assert.deepEqual(
        (await imports.errors(bare.id)).map((e) => e.code),
        ['IMAGE_NEEDS_ZIP'],
      );
    });

    it('refuses a bad upload at once and leaves no job or file behind', async () => {
      const before = (await imports.list(100)).length;
      const refused = async (
        table: { name: string; bytes: Buffer },
        images?: { name: string; bytes: Buffer },
      ) => {
        try {
          await upload(table, {}, images);
        } catch (error) {
          assert.ok(isAppError(error), String(error));
          return error.code;
        }
        return 'accepted';
      };
      assert.equal(await refused({ name: 'x.csv', bytes: Buffer.from('') }), 'IMPORT_EMPTY');
      assert.equal(await refused({ name: 'x.png', bytes: await png(1, 2, 3) }), 'IMPORT_FORMAT_UNKNOWN');
      const bomb = makeZip([{ name: 'a.jpg', data: Buffer.alloc(16), declaredSize: 2 ** 32 - 1 }]);
      assert.equal(
        await refused(
          { name: 'ok.csv', bytes: Buffer.from('sku,name\nA,B\n') },
          { name: 'bomb.zip', bytes: bomb },
        ),
        'ZIP_TOO_LARGE_UNPACKED',
      );
      assert.equal((await imports.list(100)).length, before);
      const left = await fs.readdir(path.join(ctx.config.dataDir, 'imports'));
      assert.ok(!left.some((d) => d.startsWith('incoming-')), left.join(','));
    });

    it('resumes after the process dies mid-file, without writing a row twice', async () => {
      const lines = ['sku,name,price'];
      for (let i = 1; i <= 12; i++) lines.push(`R-${i},Row ${i},${i}`);
      const job = await upload({ name: 'resume.csv', bytes: Buffer.from(lines.join('\n')) });
      // The first worker "dies" after its fifth row: its writes stop and its lease is never released.
      const dying = createDyingJobs(ctx.importJobs, 5);
      const first = createImportWorker({
        service: ctx.importsWith({ jobs: dying.jobs }),
        jobs: dying.jobs,
        exclusive: false,
        pollMs: 60_000,
      });
      const firstRun = first.poke();
      await dying.died;
      await firstRun;
      const midway = (await imports.get(job.id))!;
      assert.equal(midway.status, 'running');
      assert.equal(midway.processedRows, 5);
      if (!exclusive()) {
        // On a server another process may hold the lease: a worker waits until it runs out.
        await runAll();
        assert.equal((await imports.get(job.id))!.processedRows, 5);
        await ctx.stores.catalog.query(
          `update import_jobs set claimed_until = now() - interval '1 second' where id = $1`,
          [job.id],
        );
      }
      // A restarted process takes it from row 6: at once on the embedded store (nobody else can
      // hold the lease), once the lease has run out on a server.
      await runAll();
      const done = (await imports.get(job.id))!;
      assert.equal(done.status, 'done');
      assert.deepEqual([done.processedRows, done.imported, done.updated, done.failed], [12, 12, 0, 0]);
      assert.equal(done.attempts, 2);
    });

    it('gives up a job that keeps taking its process down, and stops a job on request', async () => {
      const job = await upload({ name: 'crashy.csv', bytes: Buffer.from('sku,name\nC-1,One\n') });
      await ctx.stores.catalog.query(`update import_jobs set attempts = $2 where id = $1`, [
        job.id,
        MAX_ATTEMPTS,
      ]);
      await runAll();
      const given = (await imports.get(job.id))!;
      assert.equal(given.status, 'failed');
      assert.equal(given.errorCode, 'IMPORT_INTERRUPTED');
      assert.match(given.errorRu!, /прерывалась 3 раза/);

      const waiting = await upload({ name: 'w.csv', bytes: Buffer.from('Номер;Позиция\n1;2\n') });
      assert.equal(waiting.status, 'mapping');
      await imports.cancel(waiting.id, editor);
      const cancelled = (await imports.get(waiting.id))!;
      assert.equal(cancelled.status, 'cancelled');
      assert.equal(cancelled.filesDir, null);
    });
  });

/** The job repository of a process that is killed after `rows` rows: its later writes never happen. */
function createDyingJobs(jobs: ImportJobRepository, rows: number) {
  let died!: () => void;
  const diedPromise = new Promise<void>((resolve) => (died = resolve));
  let written = 0;
  let dead = false;
  const proxy: ImportJobRepository = {
    ...jobs,
    async rowWritten(tx, id, worker, rowIndex, created) {
      if (written >= rows) {
        dead = true;
        died();
        throw new Error('killed'); // rolls back the row being written, as a kill would
      }
      written++;
      return jobs.rowWritten(tx, id, worker, rowIndex, created);
    },
    heartbeat: async () => ({ ours: true, cancel: false }),
    claim: async (worker, lease) => (dead ? null : jobs.claim(worker, lease)),
    release: async () => {},
    releaseMine: async () => {},
    finish: async (id, outcome) => (dead ? undefined : jobs.finish(id, outcome)),
  };
  return { jobs: proxy, died: diedPromise };
}
