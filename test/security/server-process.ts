import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { mobilenetDir, repoRoot, tempDir } from '../helpers/test-env.ts';

/** `vitrina serve` as a child process on the real model: what an attacker on the network meets. */
export interface ServerProcess {
  pid: number;
  port: number;
  base: string;
  child: ChildProcess;
  stderr(): string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export async function startServer(env: Record<string, string> = {}): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(repoRoot, 'bin/vitrina.js'), 'serve'], {
    cwd: repoRoot,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: await tempDir('vitrina-serve-'),
      MODEL: 'mobilenetv2-int8',
      MODEL_DIR: mobilenetDir,
      INDEX_ON_START: '0',
      DEMO_ON_EMPTY: '0',
      // the most exposed deployment: anyone may search, no account needed
      PUBLIC_CATALOG: '1',
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${stderr}`)), 120_000);
    const check = () => {
      if (/listening on/.test(stderr)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stderr!.on('data', check);
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${stderr}`)));
  });
  const base = `http://127.0.0.1:${port}`;
  // Wait for the model too: its memory belongs to the baseline, not to what an attack adds.
  for (let i = 0; i < 600; i++) {
    const health = await getJson(`${base}/api/health`).catch(() => null);
    if (health && /ready/.test(String(health.model))) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    pid: child.pid!,
    port,
    base,
    child,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

export function getJson(url: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => {
          try {
            resolve(JSON.parse(body));
          } catch (error) {
            reject(error);
          }
        });
      })
      .on('error', reject);
  });
}

/** Resident memory of a process, in bytes: now, and the peak since the last reset. */
export function rss(pid: number): { now: number; peak: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
  return { now: kb('VmRSS'), peak: kb('VmHWM') };
}

/** Resets the peak (VmHWM) to the current RSS, so the next peak is what follows. */
export function resetPeak(pid: number): boolean {
  try {
    fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** Samples RSS while `work` runs; the growth over the RSS at its start, from the kernel's peak and the samples. */
export async function rssGrowthDuring(pid: number, work: () => Promise<unknown>): Promise<number> {
  const before = rss(pid).now;
  const exactPeak = resetPeak(pid);
  let sampled = before;
  const timer = setInterval(() => {
    try {
      sampled = Math.max(sampled, rss(pid).now);
    } catch {
      // the process ended; the assertion on its health reports that
    }
  }, 10);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  const peak = exactPeak ? Math.max(rss(pid).peak, sampled) : sampled;
  return peak - before;
}

/**
 * One multipart upload of `parts` file parts of `partBytes` each, streamed from one reused
 * chunk (the client never holds the body). `declared` sends a Content-Length; otherwise chunked.
 * Resolves with the status, or 0 when the server closed the connection without one.
 */
export function junkUpload(
  port: number,
  options: { parts: number; partBytes: number; declared: boolean; prefix?: Buffer; timeoutMs?: number },
): Promise<number> {
  const boundary = 'junkjunkjunk';
  const head = (i: number) =>
    Buffer.from(
      `--${boundary}\r\ncontent-disposition: form-data; name="image"; filename="junk${i}.jpg"\r\ncontent-type: image/jpeg\r\n\r\n`,
    );
  const tail = Buffer.from(`--${boundary}--\r\n`);
  const chunk = Buffer.alloc(64 * 1024, 0x5a);
  const total = options.parts * (head(0).length + options.partBytes + 2) + tail.length;
  return new Promise((resolve) => {
    let settled = false;
    const done = (status: number) => {
      if (!settled) {
        settled = true;
        resolve(status);
      }
    };
    const req = http.request({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/api/search-by-image',
      headers: {
        'content-type': `multipart/form-data; boundary=${boundary}`,
        ...(options.declared ? { 'content-length': String(total) } : { 'transfer-encoding': 'chunked' }),
      },
    });
    req.setTimeout(options.timeoutMs ?? 60_000, () => req.destroy());
    req.on('response', (res) => {
      res.resume();
      done(res.statusCode ?? 0);
      req.destroy();
    });
    req.on('error', () => done(0));
    req.on('close', () => done(0));
    let closed = false;
    let wake: (() => void) | null = null;
    req.on('close', () => {
      closed = true;
      wake?.();
    });
    req.on('drain', () => wake?.());
    const write = async (b: Buffer) => {
      if (closed || settled) throw new Error('closed');
      if (!req.write(b)) await new Promise<void>((r) => (wake = r));
      if (closed || settled) throw new Error('closed');
    };
    void (async () => {
      try {
        for (let i = 0; i < options.parts; i++) {
          await write(head(i));
          let left = options.partBytes;
          if (options.prefix) {
            await write(options.prefix);
            left -= options.prefix.length;
          }
          while (left > 0) {
            const n = Math.min(left, chunk.length);
            await write(n === chunk.length ? chunk : chunk.subarray(0, n));
            left -= n;
          }
          await write(Buffer.from('\r\n'));
        }
        await write(tail);
        req.end();
      } catch {
        // the server refused and closed: that is the point
      }
    })();
  });
}

/**
 * A client that sends `head` at once, then `drip` one byte every `everyMs`, and never finishes:
 * resolves with how long the server let it stay connected (ms), or null if still connected after
 * `giveUpMs`.
 */
export function slowClient(
  port: number,
  options: { head?: string; drip: string; everyMs: number; giveUpMs: number },
): Promise<number | null> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = net.connect(port, '127.0.0.1', () => {
      if (options.head) socket.write(options.head);
    });
    let i = 0;
    const timer = setInterval(() => {
      if (i < options.drip.length) socket.write(options.drip[i++]!);
    }, options.everyMs);
    const giveUp = setTimeout(() => finish(null), options.giveUpMs);
    function finish(result: number | null) {
      clearInterval(timer);
      clearTimeout(giveUp);
      socket.destroy();
      resolve(result);
    }
    socket.on('data', () => {}); // a 408 may come first; the close is what counts
    socket.on('close', () => finish(Date.now() - started));
    socket.on('error', () => {});
  });
}
