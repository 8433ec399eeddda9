import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { lastJsonLine, runCli, spawnCli } from '../helpers/run-cli.ts';
import { writePhotoCatalog } from '../helpers/photo-catalog.ts';
import { mobilenetDir, tempDir } from '../helpers/test-env.ts';

const model = { MODEL: 'mobilenetv2-int8', MODEL_DIR: mobilenetDir };

describe('vitrina index (child processes, real model)', () => {
  it('continues after SIGKILL with no duplicates, and lists a corrupt image as failed', async () => {
    const dataDir = await tempDir();
    const env = { DATA_DIR: dataDir, ...model };
    const { file: csv } = await writePhotoCatalog(await tempDir(), { products: 240 });
    assert.equal((await runCli(['import', csv], env)).code, 0);

    // Corrupt one stored image after import (a disk or copy error), keeping its recorded hash.
    const media = path.join(dataDir, 'media');
    const dirs = await fs.readdir(media);
    const victimDir = path.join(media, dirs[0]!);
    const sub = (await fs.readdir(victimDir))[0]!;
    const victim = path.join(victimDir, sub, (await fs.readdir(path.join(victimDir, sub)))[0]!);
    await fs.writeFile(victim, Buffer.from('definitely not a jpeg'));

    // Start, wait until some vectors are written, then kill without warning.
    const child = spawnCli(['index', '--batch-size', '8', '--log-every', '8'], env);
    await child.waitFor(/\b(1[6-9]|[2-9]\d)\/240\b/); // at least two batches done
    await child.kill('SIGKILL');

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
