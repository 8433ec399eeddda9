import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { lastJsonLine, runCli } from '../helpers/run-cli.ts';
import { groceryDir, mobilenetDir, repoRoot, tempDir } from '../helpers/test-env.ts';

const model = { MODEL: 'mobilenetv2-int8', MODEL_DIR: mobilenetDir };

/** A catalog of real store photos (read from the shared dataset), plus one corrupt file. */
async function writePhotoCatalog(dir: string, count: number): Promise<string> {
  const manifest = (await fs.readFile(path.join(groceryDir, 'manifest.csv'), 'utf8'))
    .trim()
    .split('\n')
    .slice(1);
  const train = manifest.map((l) => l.split(',')).filter((f) => f[5] === 'train');
  const step = Math.floor(train.length / count);
  const lines = ['sku,name,category,images'];
  for (let i = 0; i < count; i++) {
    const f = train[i * step]!;
    lines.push(`P-${i},${f[1]},${f[3]},${path.join(groceryDir, f[0]!)}`);
  }
  const file = path.join(dir, 'photos.csv');
  await fs.writeFile(file, lines.join('\n'));
  return file;
}

describe('vitrina index (child processes, real model)', () => {
  it('continues after SIGKILL with no duplicates, and lists a corrupt image as failed', async () => {
    const dataDir = await tempDir();
    const env = { DATA_DIR: dataDir, ...model };
    const csv = await writePhotoCatalog(await tempDir(), 240);
    assert.equal((await runCli(['import', csv], env)).code, 0);

    // Corrupt one stored image after import (a disk or copy error), keeping its recorded hash.
    const media = path.join(dataDir, 'media');
    const dirs = await fs.readdir(media);
    const victimDir = path.join(media, dirs[0]!);
    const sub = (await fs.readdir(victimDir))[0]!;
    const victim = path.join(victimDir, sub, (await fs.readdir(path.join(victimDir, sub)))[0]!);
    await fs.writeFile(victim, Buffer.from('definitely not a jpeg'));

    // Start, wait until some vectors are written, then kill without warning.
    const child = spawn(
      process.execPath,
      [path.join(repoRoot, 'bin/vitrina.js'), 'index', '--batch-size', '8', '--log-every', '8'],
      {
        env: { ...process.env, BACKGROUND_DIR: 'none', ...env, LOG_LEVEL: 'silent' },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let log = '';
    await new Promise<void>((resolve, reject) => {
      child.stderr.on('data', (d: Buffer) => {
        log += d.toString();
        if (/\b(1[6-9]|[2-9]\d)\/240\b/.test(log)) resolve(); // at least two batches done
      });
      child.on('exit', () => reject(new Error(`index exited before it could be killed: ${log}`)));
    });
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));

    const resumed = await runCli(['index', '--json'], env);
    assert.equal(resumed.code, 0, resumed.stderr);
    const summary = lastJsonLine(resumed.stdout) as { embedded: number; skipped: number; failed: number };
    assert.ok(summary.skipped >= 16, `work done before the kill is kept (${summary.skipped})`);
    assert.equal(summary.embedded + summary.skipped + summary.failed, 240);
    assert.equal(summary.failed, 1);
    assert.match(resumed.stderr, /failed: image \d+ of product \d+: /);

    const again = lastJsonLine((await runCli(['index', '--json'], env)).stdout) as {
      embedded: number;
      skipped: number;
    };
    assert.deepEqual([again.embedded, again.skipped], [0, 239]);
  });
});
