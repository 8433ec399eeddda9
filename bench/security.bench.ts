/**
 * `npm run bench:security`: the timings behind issue 11's probes, measured on `vitrina serve` run
 * as a child process with its default settings and the real mobilenetv2-int8 model. The
 * functional figures (statuses, RSS bound, "cut off at all") are asserted by test/security; this
 * records how long things take and how much memory moves. Writes docs/bench-security.md.
 *
 *   npm run bench:security [-- --no-doc]
 */
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { runCli } from '../test/helpers/run-cli.ts';
import { tempDir } from '../test/helpers/test-env.ts';
import {
  freePort,
  getJson,
  junkUpload,
  rssGrowthDuring,
  slowClient,
  startServer,
  type ServerProcess,
} from '../test/security/server-process.ts';
import { squareImage } from '../test/search/search.fixture.ts';
import { fmt, machineInfo, machineInfoMarkdown, markdownTable, nowMs, summarize } from './bench.util.ts';

const DOC = path.resolve(import.meta.dirname, '../docs/bench-security.md');
const MB = 1024 * 1024;
const log = (line: string) => process.stderr.write(`${line}\n`);
const counts = (statuses: number[]) =>
  Object.entries(statuses.reduce((m: Record<number, number>, s) => ((m[s] = (m[s] ?? 0) + 1), m), {}))
    .map(([status, n]) => `${n}× ${status === '0' ? 'reset' : status}`)
    .join(', ');

async function busyPort(): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const port = await freePort();
    const holder = net.createServer();
    await new Promise<void>((r) => holder.listen(port, '127.0.0.1', r));
    const t0 = nowMs();
    const run = await runCli(['serve'], { PORT: String(port), DATA_DIR: await tempDir() });
    times.push(nowMs() - t0);
    holder.close();
    if (run.code !== 1) throw new Error(`serve on a busy port exited with ${run.code}: ${run.stderr}`);
  }
  return times;
}

async function floods(server: ServerProcess) {
  const rows: string[][] = [];
  const variants = [
    { name: 'junk, Content-Length 80 MB', declared: true },
    { name: 'junk, chunked', declared: false },
    { name: 'JPEG-headed junk, chunked', declared: false, prefix: Buffer.from([0xff, 0xd8, 0xff, 0xe0]) },
  ];
  for (const v of variants) {
    const statuses: number[] = [];
    const t0 = nowMs();
    const growth = await rssGrowthDuring(server.pid, async () => {
      statuses.push(
        ...(await Promise.all(
          Array.from({ length: 16 }, () =>
            junkUpload(server.port, { parts: 8, partBytes: 10 * MB, declared: v.declared, prefix: v.prefix }),
          ),
        )),
      );
    });
    const ms = nowMs() - t0;
    log(`${v.name}: +${fmt(growth / MB)} MB, ${fmt(ms, 0)} ms, ${counts(statuses)}`);
    rows.push([v.name, fmt(growth / MB), fmt(ms, 0), counts(statuses)]);
  }
  return rows;
}

async function slowClients(server: ServerProcess) {
  const post = 'POST /api/search-by-image HTTP/1.1\r\nHost: x\r\n';
  const [headers, body, silent] = await Promise.all([
    slowClient(server.port, { drip: `${post}X-Slow: ${'a'.repeat(200)}`, everyMs: 2000, giveUpMs: 120_000 }),
    slowClient(server.port, {
      head: `${post}Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 100000\r\n\r\n--b\r\n`,
      drip: 'x'.repeat(5000),
      everyMs: 2000,
      giveUpMs: 120_000,
    }),
    slowClient(server.port, { drip: '', everyMs: 1000, giveUpMs: 120_000 }),
  ]);
  return [
    ['headers, 1 byte every 2 s', fmt((headers ?? NaN) / 1000)],
    ['headers at once, then the body 1 byte every 2 s', fmt((body ?? NaN) / 1000)],
    ['connected, silent', fmt((silent ?? NaN) / 1000)],
  ];
}

/** 64 photo searches at once against SEARCH_MAX_PENDING (default 8): admitted vs 503, latency. */
async function burst(server: ServerProcess) {
  const photo = await squareImage({ r: 200, g: 40, b: 20 }, { r: 250, g: 250, b: 250 }, 512, 'jpeg');
  const boundary = 'burst';
  const body = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\ncontent-disposition: form-data; name="image"; filename="a.jpg"\r\ncontent-type: image/jpeg\r\n\r\n`,
    ),
    photo,
    Buffer.from(
      `\r\n--${boundary}\r\ncontent-disposition: form-data; name="threshold"\r\n\r\n-1\r\n--${boundary}--\r\n`,
    ),
  ]);
  const one = () =>
    new Promise<{ status: number; ms: number }>((resolve) => {
      const t0 = nowMs();
      const req = http.request(
        {
          host: '127.0.0.1',
          port: server.port,
          method: 'POST',
          path: '/api/search-by-image',
          headers: {
            'content-type': `multipart/form-data; boundary=${boundary}`,
            'content-length': body.length,
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: nowMs() - t0 }));
        },
      );
      req.on('error', () => resolve({ status: 0, ms: nowMs() - t0 }));
      req.end(body);
    });
  await one(); // warm-up
  const results = await Promise.all(Array.from({ length: 64 }, one));
  const ok = results.filter((r) => r.status < 300);
  const busy = results.filter((r) => r.status === 503);
  return {
    statuses: counts(results.map((r) => r.status)),
    okP50: summarize(ok.map((r) => r.ms)).p50,
    busyP50: summarize(busy.map((r) => r.ms)).p50,
  };
}

async function main() {
  const noDoc = process.argv.includes('--no-doc');
  const info = machineInfo();
  log('busy port …');
  const busy = summarize(await busyPort());
  log(`busy port: p50 ${fmt(busy.p50, 0)} ms`);
  const dataDir = await tempDir('vitrina-bench-security-');
  log('importing the demo catalog for the burst …');
  const demo = await runCli(['demo'], { DATA_DIR: dataDir }, 600_000);
  if (demo.code !== 0) throw new Error(`vitrina demo failed: ${demo.stderr}`);
  const server = await startServer({
    DATA_DIR: dataDir,
    INDEX_ON_START: '1',
    PHOTO_SEARCHES_PER_MINUTE: '100000',
  });
  try {
    for (let i = 0; i < 600; i++) {
      const status = await getJson(`${server.base}/api/index/status`).catch(() => null);
      if (status && status.running === false && Number(status.embedded) >= Number(status.total)) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    log('floods …');
    const floodRows = await floods(server);
    log('slow clients (up to ~40 s) …');
    const slowRows = await slowClients(server);
    log('burst of 64 photo searches …');
    const b = await burst(server);
    const health = await getJson(`${server.base}/api/health`);
    const doc = [
      '# bench:security — issue 11 probes, timed',
      '',
      '`npm run bench:security`: `vitrina serve` as a child process with default settings',
      '(UPLOAD_MAX_BYTES 10 MB, SEARCH_MAX_PENDING 8, REQUEST_TIMEOUT_MS 30 s; rate limits raised for the',
      'burst) and PUBLIC_CATALOG=1 (anyone may search: the most exposed deployment), mobilenetv2-int8,',
      'the 81-product demo catalog. Functional bounds are asserted in',
      'test/security; this page records the measured values. The machine is shared and noisy.',
      '',
      machineInfoMarkdown(info),
      '',
      '## 16 concurrent requests of 8 × 10 MB parts',
      '',
      'RSS growth is the kernel peak (VmHWM, reset before each flood) over the RSS before it.',
      '',
      markdownTable(['body', 'RSS growth MB', 'all answered ms', 'answers'], floodRows, [
        'left',
        'right',
        'right',
        'left',
      ]),
      '',
      '## Slow clients: how long the server keeps the connection',
      '',
      markdownTable(['client', 'held s'], slowRows, ['left', 'right']),
      '',
      '## 64 photo searches at once (SEARCH_MAX_PENDING 8)',
      '',
      markdownTable(
        ['answers', 'admitted p50 ms', '503 p50 ms'],
        [[b.statuses, fmt(b.okP50, 0), fmt(b.busyP50, 0)]],
        ['left', 'right', 'right'],
      ),
      '',
      '## `vitrina serve` on a port in use',
      '',
      `One line naming the port, exit code 1: p50 ${fmt(busy.p50, 0)} ms, max ${fmt(busy.max, 0)} ms over ${busy.n} runs`,
      '(process start, tsx compile, the port probe; before: ~19 s and a stack trace).',
      '',
      `Server health after all of it: catalog ${String(health.catalog)}, model ${String(health.model)}.`,
      '',
    ].join('\n');
    if (!noDoc) {
      fs.mkdirSync(path.dirname(DOC), { recursive: true });
      fs.writeFileSync(DOC, doc);
      log(`wrote ${path.relative(process.cwd(), DOC)}`);
    }
    console.log(doc);
  } finally {
    await server.stop();
  }
}

await main();
