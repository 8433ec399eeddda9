import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { repoRoot } from './test-env.ts';

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** `vitrina serve` as `npm start` runs it, in a child process, on a free port of 127.0.0.1. */
export async function startServe(env: Record<string, string | undefined>) {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(repoRoot, 'bin/vitrina.js'), 'serve'], {
    cwd: repoRoot,
    env: { ...process.env, LOG_LEVEL: 'silent', HOST: '127.0.0.1', PORT: String(port), ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return {
    pid: child.pid!,
    base: `http://127.0.0.1:${port}`,
    log: () => log,
    /** resolves when the terminal output matches; fails if the process ends first or time runs out */
    async waitFor(pattern: RegExp, timeoutMs = 60_000): Promise<string> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const match = log.match(pattern);
        if (match) return match[0];
        if (child.exitCode !== null)
          throw new Error(`serve exited (${child.exitCode}) before ${pattern}: ${log}`);
        if (Date.now() > deadline) throw new Error(`no ${pattern} within ${timeoutMs} ms: ${log}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async stop(): Promise<void> {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
