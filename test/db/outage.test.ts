import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import pg from 'pg';
import { createAppContext, type AppContext } from '../../src/app/app.context.ts';
import { openStores } from '../../src/db/db.stores.ts';
import { createFakeEmbedder } from '../../src/embedding/embedder.fake.ts';
import { createIndexJob } from '../../src/indexer/index.job.ts';
import { createIndexer } from '../../src/indexer/indexer.service.ts';
import { createModelProvider } from '../../src/search/model.provider.ts';
import { createVectorRepository } from '../../src/search/vector.repository.ts';
import { createWebApp, type WebApp } from '../../src/web/web.app.ts';
import { signedInClient, type TestClient } from '../helpers/auth-client.ts';
import { multipart } from '../helpers/multipart.ts';
import { pgInstanceUnavailableReason, startPgInstance, type PgInstance } from '../helpers/pg-instance.ts';
import { repoRoot, tempDir, testConfig } from '../helpers/test-env.ts';
import { squareImage, writeSearchCatalog } from '../search/search.fixture.ts';

/**
 * Not a speed target (those live in benchmarks): a request that has not answered by now hangs.
 * The timeouts under test are DB_CONNECT_TIMEOUT_MS and DB_STATEMENT_TIMEOUT_MS at their defaults.
 */
const NEVER_HANGS_MS = 5000;
const RECOVERY_DEADLINE_MS = 30_000;

const skip = await pgInstanceUnavailableReason();
if (skip) console.log(`# outage tests skipped: ${skip}`);

type Request = () => Promise<LightMyRequestResponse>;

/** polls a condition until it holds; fails after RECOVERY_DEADLINE_MS */
async function until(condition: () => boolean | Promise<boolean>, seen = () => ''): Promise<void> {
  const deadline = performance.now() + RECOVERY_DEADLINE_MS;
  while (!(await condition())) {
    assert.ok(
      performance.now() < deadline,
      `not within ${RECOVERY_DEADLINE_MS} ms: ${condition.toString()} ${seen()}`,
    );
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** the request's answer and how long it took; fails if no answer came before the deadline */
async function timed<T>(name: string, request: () => Promise<T>): Promise<{ res: T; ms: number }> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${name}: no answer within ${NEVER_HANGS_MS} ms`)),
      NEVER_HANGS_MS,
    );
  });
  try {
    const res = await Promise.race([request(), deadline]);
    return { res, ms: Math.round(performance.now() - started) };
  } finally {
    clearTimeout(timer);
  }
}

describe('a PostgreSQL server that goes down or freezes', { skip }, () => {
  let server: PgInstance;
  let ctx: AppContext;
  let web: WebApp;
  let viewer: TestClient;
  let photo: Buffer;

  before(async () => {
    server = await startPgInstance();
    const admin = new pg.Client({ connectionString: server.url() });
    await admin.connect();
    await admin.query('create database vitrina');
    await admin.query('create database vitrina_vectors');
    await admin.end();
    // the original's layout: catalog and vectors in two databases, so health names each
    const config = await testConfig({
      databaseUrl: server.url('vitrina'),
      vectorDatabaseUrl: server.url('vitrina_vectors'),
      model: 'fake',
      publicCatalog: true,
      photoSearchesPerMinute: 1000,
    });
    assert.equal(config.dbConnectTimeoutMs, 1000, 'the default under test');
    assert.equal(config.dbStatementTimeoutMs, 1250, 'the default under test');
    ctx = await createAppContext(config);
    await ctx.importer.importFile(await writeSearchCatalog(await tempDir(), 12));
    const fake = createFakeEmbedder({ id: 'fake' });
    await createIndexer({
      catalog: ctx.repository,
      vectors: createVectorRepository(ctx.stores.vectors!),
      media: ctx.media,
      embedder: fake,
      exclusive: true,
    }).run();
    web = await createWebApp(ctx, {
      logger: process.env.OUTAGE_LOG ? { level: 'warn' } : false,
      models: createModelProvider(config, async () => fake),
      indexOnStart: false,
    });
    viewer = await signedInClient(web.app, ctx, { role: 'viewer' });
    photo = await squareImage({ r: 215, g: 40, b: 20 }, { r: 250, g: 250, b: 250 }, 96, 'jpeg');
  });

  after(async () => {
    // thawed first: closing a pool waits for its connections, which a frozen server never ends
    await server?.thaw();
    await web?.close();
    await ctx?.close();
    await server?.destroy();
  });

  const searchBody = () => multipart([{ name: 'image', value: photo, filename: 'red.jpg' }]);
  const requests = (): Record<string, Request> => ({
    'page /products (signed in)': () => viewer.get('/products'),
    'GET /api/products (signed in)': () => viewer.get('/api/products'),
    'GET /api/products (anonymous)': () => web.app.inject({ method: 'GET', url: '/api/products' }),
    'POST /api/search-by-image (signed in)': () => {
      const body = searchBody();
      return viewer.inject({
        method: 'POST',
        url: '/api/search-by-image',
        payload: body.payload,
        headers: body.headers,
      });
    },
    'POST /api/search-by-image (anonymous)': () => {
      const body = searchBody();
      return web.app.inject({
        method: 'POST',
        url: '/api/search-by-image',
        payload: body.payload,
        headers: body.headers,
      });
    },
    'GET /api/health': () => web.app.inject({ method: 'GET', url: '/api/health' }),
  });

  async function assertServes(t: TestContext, when: string) {
    for (const [name, request] of Object.entries(requests())) {
      const { res } = await timed(name, request);
      assert.equal(res.statusCode, 200, `${when}: ${name}: ${res.body.slice(0, 300)}`);
    }
    const products = await viewer.get('/api/products');
    assert.equal(products.json().total, 12, `${when}: the same catalog`);
    const health = (await web.app.inject({ method: 'GET', url: '/api/health' })).json();
    assert.deepEqual(
      [health.status, health.catalog, health.vector_store, health.failing],
      ['ok', 'ok', 'ok', []],
    );
    t.diagnostic(`${when}: every request answers 200`);
  }

  /** Every request gets 503 STORE_UNAVAILABLE (JSON or the Russian page) before the deadline. */
  async function assertUnavailable(t: TestContext, how: string): Promise<number> {
    let slowest = 0;
    for (const [name, request] of Object.entries(requests())) {
      const { res, ms } = await timed(name, request);
      slowest = Math.max(slowest, ms);
      t.diagnostic(`${how}: ${name} → ${res.statusCode} in ${ms} ms`);
      assert.equal(res.statusCode, 503, `${how}: ${name}: ${res.body.slice(0, 300)}`);
      if (name === 'GET /api/health') {
        const health = res.json();
        assert.equal(health.status, 'degraded');
        assert.deepEqual(health.failing, ['catalog', 'vector_store'], 'names each part that is down');
        assert.match(health.catalog, /^unavailable: The catalog store is not answering/);
        assert.match(health.vector_store, /^unavailable: The vector store is not answering/);
        assert.match(health.model, /fake \(ready\)/, 'the model itself is fine');
        assert.doesNotMatch(res.body, /127\.0\.0\.1|postgres:\/\//, 'a public endpoint names no host');
      } else if (name.startsWith('page')) {
        assert.match(String(res.headers['content-type']), /text\/html/);
        assert.match(res.body, /База каталога сейчас не отвечает/, 'the page speaks Russian');
      } else {
        const body = res.json();
        assert.equal(body.success, false);
        assert.equal(body.code, 'STORE_UNAVAILABLE', `${name}: ${res.body}`);
        assert.match(body.error, /store is not answering/);
      }
    }
    return slowest;
  }

  /** Many requests at once, as under load: every one gets 503 before the deadline; the slowest. */
  async function assertUnavailableUnderLoad(t: TestContext, how: string, copies = 4): Promise<number> {
    const all = Object.entries(requests()).flatMap((entry) => Array.from({ length: copies }, () => entry));
    const answers = await Promise.all(all.map(([name, request]) => timed(name, request)));
    answers.forEach(({ res }, i) => assert.equal(res.statusCode, 503, `${how}: ${all[i]![0]}: ${res.body}`));
    const slowest = Math.max(...answers.map((a) => a.ms));
    t.diagnostic(`${how}: ${answers.length} requests at once, all 503; slowest in ${slowest} ms`);
    return slowest;
  }

  /** polls health (the condition) until it is 200 again; the time it took */
  async function recovery(t: TestContext, how: string): Promise<number> {
    const started = performance.now();
    for (;;) {
      const res = await web.app.inject({ method: 'GET', url: '/api/health' });
      if (res.statusCode === 200) break;
      assert.ok(performance.now() - started < RECOVERY_DEADLINE_MS, `${how}: no recovery: ${res.body}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const ms = Math.round(performance.now() - started);
    t.diagnostic(`${how}: healthy again ${ms} ms after the server was back`);
    return ms;
  }

  it('serves while the server is up', async (t) => {
    await assertServes(t, 'before any outage');
  });

  for (const mode of ['fast', 'immediate'] as const) {
    it(`stopped (pg_ctl stop -m ${mode}): 503 STORE_UNAVAILABLE, then the same process recovers`, async (t) => {
      await server.stop(mode);
      const slowest = await assertUnavailable(t, `stopped -m ${mode}`);
      t.diagnostic(`stopped -m ${mode}: slowest time to 503: ${slowest} ms`);
      await assertUnavailableUnderLoad(t, `stopped -m ${mode}`);
      await server.start();
      await recovery(t, `stopped -m ${mode}`);
      await assertServes(t, `after stop -m ${mode}`);
    });
  }

  it('frozen (SIGSTOP): 503 STORE_UNAVAILABLE, then recovers on SIGCONT; timed-out connections are not reused', async (t) => {
    // connections in the pool first, so the freeze catches open sessions as well as new connects
    await assertServes(t, 'before the freeze');
    await server.freeze();
    const slowest = await assertUnavailable(t, 'frozen');
    t.diagnostic(`frozen: slowest time to 503: ${slowest} ms`);
    await assertUnavailableUnderLoad(t, 'frozen');
    // a transaction as writes run it: refused the same way, its connection dropped rather than rolled back
    const { ms: txMs } = await timed('transaction', () =>
      ctx.stores.catalog
        .transaction((tx) => tx.query('select 1'))
        .then(
          () => assert.fail('a frozen server answered'),
          (error: unknown) => assert.equal((error as { code?: string }).code, 'STORE_UNAVAILABLE'),
        ),
    );
    t.diagnostic(`frozen: a transaction refused in ${txMs} ms`);
    // statements abandoned on frozen sessions: their answers must not reach later queries
    const abandoned = await Promise.allSettled(
      [1, 2, 3].map((n) => ctx.stores.catalog.query('select $1::int as n', [n])),
    );
    assert.deepEqual(
      abandoned.map((r) => r.status === 'rejected' && (r.reason as { code?: string }).code),
      ['STORE_UNAVAILABLE', 'STORE_UNAVAILABLE', 'STORE_UNAVAILABLE'],
    );
    await server.thaw();
    await recovery(t, 'frozen');
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        ctx.stores.catalog.query<{ n: number }>('select $1::int + 100 as n', [i]),
      ),
    );
    assert.deepEqual(
      answers.map((r) => r.rows[0]!.n),
      Array.from({ length: 12 }, (_, i) => i + 100),
    );
    await assertServes(t, 'after SIGCONT');
  });

  it('startup with the server down: one clear line, no stack trace', async (t) => {
    await server.stop('fast');
    try {
      await assert.rejects(
        openStores({
          dataDir: await tempDir(),
          databaseUrl: server.url('vitrina'),
          vectorDatabaseUrl: undefined,
        }),
        (error: { code?: string }) => error.code === 'DB_UNREACHABLE',
      );
      const child = spawn(process.execPath, [path.join(repoRoot, 'bin/vitrina.js'), 'serve'], {
        cwd: repoRoot,
        env: {
          ...process.env,
          DATABASE_URL: server.url('vitrina'),
          DATA_DIR: await tempDir(),
          PORT: '0',
          LOG_LEVEL: 'silent',
          DEMO_ON_EMPTY: '0',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr.on('data', (d: Buffer) => (output += d.toString()));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      t.diagnostic(`vitrina serve with the server down: exit ${code}: ${output.trim()}`);
      assert.notEqual(code, 0);
      const lines = output.trim().split('\n');
      assert.equal(lines.length, 1, output);
      assert.match(
        lines[0]!,
        new RegExp(`Cannot connect to PostgreSQL at 127\\.0\\.0\\.1:${server.port}/vitrina`),
      );
    } finally {
      await server.start();
    }
  });

  it('indexing cut off by an outage resumes by itself when the server is back', async (t) => {
    const dir = await tempDir();
    const lines = ['sku,name,category,price,currency,images'];
    for (let i = 0; i < 3; i++) {
      const colour = { r: 30 + 60 * i, g: 160, b: 40 };
      await fs.writeFile(path.join(dir, `o${i}.png`), await squareImage(colour, { r: 0, g: 0, b: 0 }));
      lines.push(`O-${i},Outage thing ${i},Green,${i + 1},RUB,o${i}.png`);
    }
    await fs.writeFile(path.join(dir, 'more.csv'), lines.join('\n'));
    await ctx.importer.importFile(path.join(dir, 'more.csv'));
    const vectors = createVectorRepository(ctx.stores.vectors!);
    // The run waits in "loading the model" until the server is down, so it fails on the store.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let asked!: () => void;
    const loading = new Promise<void>((resolve) => (asked = resolve));
    const fake = createFakeEmbedder({ id: 'fake' });
    const models = createModelProvider(ctx.config, async () => {
      asked();
      await gate;
      return fake;
    });
    const warnings: string[] = [];
    const job = createIndexJob({
      ctx,
      vectors,
      models,
      logger: {
        info: () => {},
        warn: (fields, message) => warnings.push(`${message}: ${String(fields.err)}`),
      },
      pollMs: 100,
    });
    try {
      await job.start();
      await loading;
      await server.stop('fast');
      release();
      await until(
        () => warnings.some((w) => /indexing stopped: The (catalog|vector) store is not answering/.test(w)),
        () => warnings.join(' | '),
      );
      t.diagnostic(`while down: ${warnings.join(' | ')}`);
      await server.start();
      const started = performance.now();
      await until(async () => {
        const counts = await vectors.counts('fake').catch(() => null);
        return counts?.pending === 0 && counts.embedded === 15;
      });
      t.diagnostic(
        `indexing finished ${Math.round(performance.now() - started)} ms after the server was back`,
      );
    } finally {
      release();
      await job.stop();
    }
  });
});
