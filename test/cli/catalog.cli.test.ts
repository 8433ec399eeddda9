import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { createAppContext } from '../../src/app/app.context.ts';
import { loadConfig } from '../../src/config/config.load.ts';
import { writeFixtureCatalog } from '../catalog/catalog.fixture.ts';
import { lastJsonLine, runCli } from '../helpers/run-cli.ts';
import { startServe } from '../helpers/serve-process.ts';
import { groceryDir, mobilenetDir, tempDir } from '../helpers/test-env.ts';

describe('vitrina CLI (catalog)', () => {
  it('says in one line which host is unreachable and exits 1', async () => {
    const r = await runCli(['import', 'x.csv'], {
      DATABASE_URL: 'postgres://nobody@127.0.0.1:1/shop',
      DATA_DIR: await tempDir(),
    });
    assert.equal(r.code, 1);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, /127\.0\.0\.1:1/);
  });

  it('names bad configuration keys before doing anything', async () => {
    const r = await runCli(['serve'], { PORT: 'eighty', INDEX_ON_START: 'maybe' });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /PORT/);
    assert.match(r.stderr, /INDEX_ON_START/);
  });

  it('imports with a JSON summary, exits 0 on partial success and 1 when nothing imports', async () => {
    const dataDir = await tempDir();
    const dir = await tempDir();
    const file = await writeFixtureCatalog(dir);
    await fs.appendFile(file, ',no sku row,1,,,,,\n');
    const first = await runCli(['import', file, '--json'], { DATA_DIR: dataDir });
    assert.equal(first.code, 0, first.stderr);
    const summary = lastJsonLine(first.stdout) as Record<string, unknown>;
    assert.deepEqual(summary, {
      imported: 7,
      updated: 0,
      failed: 1,
      errors: [{ line: 9, reason: 'missing sku' }],
    });
    assert.match(first.stderr, /line 9: missing sku/);

    await fs.writeFile(path.join(dir, 'all-bad.csv'), 'sku,name\n,x\ny,\n');
    const bad = await runCli(['import', path.join(dir, 'all-bad.csv')], { DATA_DIR: dataDir });
    assert.equal(bad.code, 1);
    assert.match(bad.stdout, /imported 0, updated 0, failed 2/);

    // every import is in the audit log, with the shell user who ran it
    const ctx = await createAppContext(loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' }));
    try {
      // each import is a job: started (with the file's path) and finished (with its counts)
      const log = await ctx.audit.list({ action: 'import' });
      const event = (e: (typeof log)[number]) => e.details as Record<string, unknown>;
      assert.deepEqual(
        log
          .filter((e) => event(e).event === 'finished')
          .map((e) => [e.subject, event(e).imported, event(e).updated, event(e).failed]),
        [
          ['import #2 all-bad.csv', 0, 0, 2],
          ['import #1 catalog.csv', 7, 0, 1],
        ],
      );
      assert.deepEqual(
        log.filter((e) => event(e).event === 'started').map((e) => event(e).file),
        [path.join(dir, 'all-bad.csv'), file],
      );
      assert.ok(
        log.every((e) => /^cli \(/.test(e.actor)),
        'the shell user who ran them',
      );
    } finally {
      await ctx.close();
    }
  });

  it('refuses a second process on the same embedded database with a clear message', async () => {
    const dataDir = await tempDir();
    const file = path.join(dataDir, 'one.csv');
    await fs.writeFile(file, 'sku,name\nL-1,Lock test\n');
    const env = {
      DATA_DIR: dataDir,
      INDEX_ON_START: '0',
      DEMO_ON_EMPTY: '0',
      MODEL: 'mobilenetv2-int8',
      MODEL_DIR: mobilenetDir,
    };
    const serving = await startServe(env);
    try {
      await serving.waitFor(/listening on/, 120_000);
      const refused = await runCli(['import', file], env);
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, new RegExp(`in use by another vitrina process \\(pid ${serving.pid}\\)`));
      // stopped cleanly, the server hands the database back
      await serving.stop();
      await assert.rejects(fs.access(path.join(dataDir, 'db', '.vitrina.lock')), { code: 'ENOENT' });
    } finally {
      await serving.stop();
    }
  });

  it('explains where to get the demo dataset when it is missing', async () => {
    const r = await runCli(['demo', await tempDir()], { DATA_DIR: await tempDir() });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /GroceryStoreDataset/);
  });

  it('imports the 81 Grocery Store products, and updates them on a second run', async () => {
    const dataDir = await tempDir();
    const first = await runCli(['demo', groceryDir, '--json'], { DATA_DIR: dataDir });
    assert.equal(first.code, 0, first.stderr);
    assert.deepEqual(lastJsonLine(first.stdout), { imported: 81, updated: 0, failed: 0, errors: [] });
    const second = await runCli(['demo', '--json'], { DATA_DIR: dataDir });
    assert.deepEqual(lastJsonLine(second.stdout), { imported: 0, updated: 81, failed: 0, errors: [] });
  });
});
