import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { repoRoot, tempDir } from '../helpers/test-env.ts';

const run = promisify(execFile);

/** Every file under dir with its size and mtime: any write during the run changes it. */
async function snapshot(dir: string): Promise<string> {
  const entries = await fs.readdir(dir, { withFileTypes: true, recursive: true });
  const lines = await Promise.all(
    entries.map(async (e) => {
      const file = path.join(e.parentPath, e.name);
      const s = await fs.lstat(file);
      return `${path.relative(dir, file)} ${s.size} ${s.mtimeMs}`;
    }),
  );
  return lines.sort().join('\n');
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

/** As root, run the server as nobody so the read-only permissions are really enforced. */
async function asUnprivileged(paths: string[]): Promise<string[]> {
  if (process.getuid?.() !== 0) return [];
  try {
    for (const p of paths) await run('runuser', ['-u', 'nobody', '--', 'test', '-r', p]);
    return ['runuser', '-u', 'nobody', '--'];
  } catch {
    return []; // the checkout is not readable by nobody here; the snapshot still catches writes
  }
}

/**
 * The package as `npm pack` ships it, unpacked into a node_modules whose dependencies are hoisted
 * beside it (as `npm install -g` or a container image lays them out), made read-only, and served.
 */
describe('a read-only install of the packed package', () => {
  let installed: string;
  let dataDir: string;
  let server: ChildProcess | undefined;
  let base: string;
  let before_: string;
  let stderr = '';

  before(async () => {
    const work = await tempDir('vitrina-pack-');
    const { stdout } = await run('npm', ['pack', '--silent', '--pack-destination', work], {
      cwd: repoRoot,
      env: { ...process.env, npm_config_onnxruntime_node_install: 'skip' },
    });
    const tarball = path.join(work, stdout.trim().split('\n').pop()!);
    const modules = path.join(work, 'app', 'node_modules');
    installed = path.join(modules, 'vitrina');
    await fs.mkdir(installed, { recursive: true });
    await run('tar', ['-xzf', tarball, '-C', installed, '--strip-components=1']);
    for (const dep of await fs.readdir(path.join(repoRoot, 'node_modules'))) {
      if (dep.startsWith('.')) continue;
      await fs.symlink(path.join(repoRoot, 'node_modules', dep), path.join(modules, dep));
    }
    await run('chmod', ['-R', 'a-w', installed]);
    dataDir = path.join(work, 'data');
    await fs.mkdir(dataDir, { mode: 0o777 });
    await fs.chmod(dataDir, 0o777);
    await fs.chmod(work, 0o755);
    before_ = await snapshot(installed);
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const prefix = await asUnprivileged([installed, path.join(repoRoot, 'node_modules', 'tsx')]);
    const [command, ...args] = [...prefix, process.execPath, path.join(installed, 'bin/vitrina.js'), 'serve'];
    server = spawn(command!, args, {
      cwd: path.join(work, 'app'),
      env: {
        PATH: process.env.PATH,
        HOME: dataDir,
        PORT: String(port),
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        VITRINA_CACHE: path.join(dataDir, 'cache'),
        INDEX_ON_START: '0',
        PUBLIC_CATALOG: '1',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    server.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const deadline = Date.now() + 60_000;
    while (!/listening on/.test(stderr)) {
      if (server.exitCode !== null || Date.now() > deadline)
        throw new Error(`the server did not start: ${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  });
  after(async () => {
    server?.kill('SIGTERM');
    if (installed) await run('chmod', ['-R', 'u+w', installed]);
  });

  it('serves a page with its stylesheet and the cropper, writing nothing under the install folder', async () => {
    const page = await fetch(`${base}/products`);
    assert.equal(page.status, 200, stderr);
    assert.match(await page.text(), /href="\/assets\/app\.css"/);
    const css = await fetch(`${base}/assets/app.css`);
    assert.equal(css.status, 200);
    assert.match(String(css.headers.get('content-type')), /text\/css/);
    assert.match(await css.text(), /\.bg-violet-600\{/, 'the compiled Tailwind classes the views use');
    const cropper = await fetch(`${base}/vendor/cropperjs/cropper.min.js`);
    assert.equal(cropper.status, 200);
    assert.ok((await cropper.text()).length > 10_000);
    const script = await fetch(`${base}/assets/photo-search.js`);
    assert.equal(script.status, 200);
    assert.equal(await snapshot(installed), before_, 'nothing under the install folder changed');
  });
});
