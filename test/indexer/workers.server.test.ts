import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { adminFromSetupLink, signInOverHttp } from '../helpers/auth-client.ts';
import { multipart } from '../helpers/multipart.ts';
import { writePhotoCatalog, type PhotoProduct } from '../helpers/photo-catalog.ts';
import { lastJsonLine, runCli, spawnCli, type CliChild } from '../helpers/run-cli.ts';
import { startServe } from '../helpers/serve-process.ts';
import { until } from '../helpers/until.ts';
import { freshServerDatabase, mobilenetDir, serverUnavailableReason, tempDir } from '../helpers/test-env.ts';

const unavailable = await serverUnavailableReason();
const MODEL = 'mobilenetv2-int8';
const PRODUCTS = 40;
const PHOTOS_PER_PRODUCT = 2;
const IMAGES = PRODUCTS * PHOTOS_PER_PRODUCT;

interface IndexSummary {
  embedded: number;
  skipped: number;
  failed: number;
}

/**
 * The deployment of issue 10 on one PostgreSQL database: several `vitrina index` workers and
 * several `vitrina serve` processes, each a real child process with the real model.
 */
describe('several processes on one PostgreSQL database', { skip: unavailable }, () => {
  let db: Awaited<ReturnType<typeof freshServerDatabase>>;
  let sql: pg.Client;
  let env: Record<string, string>;
  let products: PhotoProduct[];
  const children: CliChild[] = [];
  const servers: Awaited<ReturnType<typeof startServe>>[] = [];

  const index = (args: string[] = [], extra: Record<string, string> = {}) => {
    const child = spawnCli(['index', '--json', ...args], { ...env, ...extra });
    children.push(child);
    return child;
  };
  const count = async (query: string, params: unknown[] = []) =>
    Number((await sql.query<{ n: string }>(query, params)).rows[0]!.n);
  const vectorRows = () =>
    sql
      .query<{ n: number; d: number }>(
        'select count(*)::int as n, count(distinct image_id)::int as d from image_embeddings where model = $1',
        [MODEL],
      )
      .then((r) => r.rows[0]!);
  const summaryOf = async (child: CliChild): Promise<IndexSummary> => {
    const r = await child.done;
    assert.equal(r.code, 0, r.stderr);
    return lastJsonLine(r.stdout) as IndexSummary;
  };

  /**
   * Holds a table lock that the workers' next step must wait for, starts them, and lets go once
   * every one of them waits on the server: they then go on at the same moment, whatever their
   * start-up took on a busy machine.
   */
  async function startTogether(table: string, mode: string, start: () => CliChild[]): Promise<CliChild[]> {
    const holder = new pg.Client({ connectionString: db.url });
    await holder.connect();
    try {
      await holder.query('begin');
      await holder.query(`lock table ${table} in ${mode} mode`);
      const started = start();
      await until(
        async () => {
          const ended = started.find((c) => c.ended());
          if (ended) throw new Error(`a worker ended before the others started: ${ended.stderr()}`);
          return count(
            `select count(*) as n from pg_stat_activity
             where datname = $1 and wait_event_type = 'Lock' and pid <> pg_backend_pid()`,
            [db.name],
          );
        },
        (waiting) => waiting >= started.length,
        `${started.length} workers waiting on the server`,
      );
      await holder.query('commit');
      return started;
    } finally {
      await holder.end();
    }
  }

  before(async () => {
    db = await freshServerDatabase();
    env = {
      DATABASE_URL: db.url,
      DATA_DIR: await tempDir(),
      MODEL,
      MODEL_DIR: mobilenetDir,
      INDEX_ON_START: '0',
      // one core each: two workers on a 2-core machine, as a deployment would size them
      ORT_THREADS: '1',
    };
    const catalog = await writePhotoCatalog(await tempDir(), {
      products: PRODUCTS,
      photosPerProduct: PHOTOS_PER_PRODUCT,
    });
    products = catalog.products;
    const imported = await runCli(['import', catalog.file, '--json'], env);
    assert.equal(imported.code, 0, imported.stderr);
    assert.deepEqual(lastJsonLine(imported.stdout), {
      imported: PRODUCTS,
      updated: 0,
      failed: 0,
      errors: [],
    });
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
  });

  after(async () => {
    for (const c of children) await c.kill();
    for (const s of servers) await s.stop();
    await sql?.end();
    await db?.drop();
  });

  it('two workers split one queue: every image embedded once, both did work', async () => {
    const [a, b] = await startTogether('index_tasks', 'exclusive', () => [
      index(['--batch-size', '4']),
      index(['--batch-size', '4']),
    ]);
    const [sa, sb] = [await summaryOf(a!), await summaryOf(b!)];
    assert.ok(
      sa.embedded > 0 && sb.embedded > 0,
      `both workers embedded images (${sa.embedded}/${sb.embedded})`,
    );
    assert.equal(sa.embedded + sb.embedded, IMAGES, 'no image embedded by both');
    assert.deepEqual([sa.failed, sb.failed], [0, 0]);
    assert.deepEqual(await vectorRows(), { n: IMAGES, d: IMAGES });
    assert.equal(await count('select count(*) as n from index_tasks'), 0);
    assert.equal(
      await count('select count(*) as n from embedding_models where id = $1 and completed_at is not null', [
        MODEL,
      ]),
      1,
    );
  });

  it('two workers completing the same set at once both finish it (one HNSW index, calibrated, complete)', async () => {
    // The state a worker leaves when it is killed after writing the last vectors but before the
    // index is built: every image embedded, no index, the set not complete. Two workers started on
    // it both go to build the index; the lock held by the test (as any write in flight would) lines
    // them up so that they reach `create index` at the same moment.
    const indexName = (
      await sql.query<{ indexname: string }>(
        `select indexname from pg_indexes where tablename = 'image_embeddings' and indexdef ilike '%using hnsw%'`,
      )
    ).rows.map((r) => r.indexname);
    assert.equal(indexName.length, 1, `one HNSW index after a complete run (${indexName.join(', ')})`);
    await sql.query(`drop index ${indexName[0]}`);
    await sql.query(
      'update embedding_models set completed_at = null, impostor_mean = null, impostor_std = null where id = $1',
      [MODEL],
    );

    const [a, b] = await startTogether('image_embeddings', 'row exclusive', () => [index(), index()]);
    const [sa, sb] = [await summaryOf(a!), await summaryOf(b!)];
    assert.deepEqual(
      [sa.embedded, sa.skipped, sb.embedded, sb.skipped],
      [0, IMAGES, 0, IMAGES],
      'nothing left to embed for either',
    );
    assert.equal(
      await count(
        `select count(*) as n from pg_indexes where tablename = 'image_embeddings' and indexdef ilike '%using hnsw%'`,
      ),
      1,
    );
    const { rows } = await sql.query<{ complete: boolean; mean: number | null }>(
      'select completed_at is not null as complete, impostor_mean as mean from embedding_models where id = $1',
      [MODEL],
    );
    assert.equal(rows[0]!.complete, true);
    assert.ok(rows[0]!.mean !== null, 'calibrated');
  });

  it('a search saved through one web process opens on the other, with the same matches', async () => {
    const [one, two] = [await startServe(env), await startServe(env)];
    servers.push(one, two);
    // the first administrator, made through the one-time link the first process printed
    const setupUrl = await one.waitFor(/http:\/\/\S+\/setup\/[A-Za-z0-9_-]{43}/, 120_000);
    for (const s of [one, two]) await s.waitFor(/Search by photo: ready/, 120_000);
    const onOne = await adminFromSetupLink(setupUrl);
    const onTwo = await signInOverHttp(two.base, onOne.email, onOne.password);

    const target = products[17]!;
    const form = multipart([
      {
        name: 'image',
        value: await fs.readFile(target.photos[1]!),
        filename: 'shelf.jpg',
        type: 'image/jpeg',
      },
    ]);
    const made = await fetch(`${one.base}/api/search-by-image`, {
      method: 'POST',
      headers: { ...onOne.headers, ...form.headers },
      body: form.payload,
    });
    assert.equal(made.status, 200, await made.clone().text());
    const { search_id: id } = (await made.json()) as { search_id: string };

    const list = async (base: string, headers: Record<string, string>) => {
      const r = await fetch(`${base}/api/products?image_search=${id}&per_page=100`, { headers });
      assert.equal(r.status, 200, await r.clone().text());
      return ((await r.json()) as { items: { sku: string; score: number }[] }).items;
    };
    const fromOne = await list(one.base, onOne.headers);
    assert.equal(fromOne[0]?.sku, target.sku, 'the photographed product first');
    assert.deepEqual(await list(two.base, onTwo.headers), fromOne, 'the same matches, in the same order');
    // the person's history on the other process lists it, with the query photo's thumbnail
    const history = await (await fetch(`${two.base}/searches`, { headers: onTwo.headers })).text();
    assert.ok(history.includes(id), 'the search is in the history shown by the other process');
    const thumb = await fetch(`${two.base}/searches/${id}/thumb`, { headers: onTwo.headers });
    assert.deepEqual([thumb.status, thumb.headers.get('content-type')], [200, 'image/webp']);
    for (const s of servers.splice(0)) await s.stop();
  });

  it('a worker SIGKILLed mid-batch loses and duplicates nothing once its lease expires', async () => {
    // A short lease for the worker that will die, so the test waits seconds, not the default minutes.
    const victim = index(['--force', '--batch-size', '4', '--log-every', '4'], { INDEX_LEASE_SECONDS: '3' });
    await victim.waitFor(/\b(?:[89]|\d\d+)\/\d+\b/); // at least two batches written
    await victim.kill('SIGKILL');
    const kept = (await vectorRows()).n;
    const heldByVictim = await count('select count(*) as n from index_tasks where claimed_by like $1', [
      `%:${victim.pid}:%`,
    ]);
    assert.ok(kept >= 8 && kept < IMAGES, `vectors written before the kill are kept (${kept})`);
    assert.ok(heldByVictim > 0, 'the killed worker held claimed images it never wrote');

    // Once the lease runs out, the next run takes the dead worker's images with the rest.
    await until(
      () => count('select count(*) as n from index_tasks where claimed_until > now()'),
      (leased) => leased === 0,
      'the dead worker lease expired',
    );
    const next = await summaryOf(index());
    assert.deepEqual([next.skipped, next.embedded, next.failed], [kept, IMAGES - kept, 0]);
    assert.deepEqual(await vectorRows(), { n: IMAGES, d: IMAGES });
    assert.equal(await count('select count(*) as n from index_tasks'), 0);
  });
});
