/**
 * Helpers shared by the benchmarks under bench/: statistics, markdown output, machine description.
 * Nothing here knows about a particular benchmark.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';

export const nowMs = (): number => performance.now();

/** Linear interpolation between closest ranks (numpy's default), so p50 of [1, 2] is 1.5. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (rank - lo);
}

export interface Summary {
  n: number;
  mean: number;
  min: number;
  p50: number;
  p95: number;
  max: number;
}

export function summarize(values: readonly number[]): Summary {
  const n = values.length;
  const mean = n ? values.reduce((s, v) => s + v, 0) / n : Number.NaN;
  return {
    n,
    mean,
    min: n ? Math.min(...values) : Number.NaN,
    p50: percentile(values, 50),
    p95: percentile(values, 95),
    max: n ? Math.max(...values) : Number.NaN,
  };
}

/** Fixed decimals, '–' for a missing or non-finite value so a table never shows NaN. */
export function fmt(value: number | undefined, digits = 1): string {
  return value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(digits);
}

export type Align = 'left' | 'right';

/** GitHub-flavoured markdown table; numbers read better right-aligned, so align is per column. */
export function markdownTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  align?: readonly Align[],
): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => esc(r[i] ?? '').length), 3));
  const pad = (s: string, i: number) =>
    align?.[i] === 'right' ? s.padStart(widths[i] as number) : s.padEnd(widths[i] as number);
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => pad(esc(c), i)).join(' | ')} |`;
  const rule = `| ${widths.map((w, i) => (align?.[i] === 'right' ? '-'.repeat(w - 1) + ':' : '-'.repeat(w))).join(' | ')} |`;
  return [line(headers), rule, ...rows.map((r) => line(headers.map((_, i) => r[i] ?? '')))].join('\n');
}

export interface MachineInfo {
  cpu: string;
  cores: number;
  /** the vector extensions that decide int8/fp32 GEMM speed (the same 'AMD EPYC' name covers several) */
  simd: string;
  memoryGiB: number;
  node: string;
  platform: string;
  date: string;
  commit: string;
}

function cpuModel(): string {
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m?.[1]) return m[1].trim();
  } catch {
    // not Linux: os.cpus() below
  }
  return os.cpus()[0]?.model ?? 'unknown';
}

function simdFlags(): string {
  try {
    const m = /^flags\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    const flags = new Set(m?.[1]?.split(/\s+/) ?? []);
    const wanted = ['avx2', 'fma', 'avx512f', 'avx512_vnni', 'avx512_bf16', 'avx_vnni', 'amx_int8'];
    return wanted.filter((f) => flags.has(f)).join(' ') || 'none of avx2/avx512/amx';
  } catch {
    return 'unknown';
  }
}

function gitCommit(cwd: string): string {
  const git = (args: string[]) =>
    execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  try {
    const sha = git(['rev-parse', '--short', 'HEAD']);
    // a benchmark of uncommitted code must say so, or the number gets pinned on the wrong commit
    return git(['status', '--porcelain', '--untracked-files=no']) ? `${sha} (modified)` : sha;
  } catch {
    return 'unknown';
  }
}

export function machineInfo(cwd = process.cwd()): MachineInfo {
  return {
    cpu: cpuModel(),
    cores: os.availableParallelism(),
    simd: simdFlags(),
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    commit: gitCommit(cwd),
  };
}

export function machineInfoMarkdown(info: MachineInfo): string {
  return markdownTable(
    ['machine', ''],
    [
      ['CPU', info.cpu],
      ['cores', String(info.cores)],
      ['SIMD', info.simd],
      ['memory', `${info.memoryGiB} GiB`],
      ['node', info.node],
      ['platform', info.platform],
      ['date', info.date],
      ['commit', info.commit],
    ],
  );
}

interface CpuTimes {
  busyMs: number;
  totalMs: number;
}

/** Whole-machine CPU time from /proc/stat (jiffies are 10 ms on Linux); undefined elsewhere. */
function machineCpu(): CpuTimes | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
    const v = line.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal; guest time is already inside user
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = v;
    const busy = user + nice + system + irq + softirq + steal;
    return { busyMs: busy * 10, totalMs: (busy + idle + iowait) * 10 };
  } catch {
    return undefined;
  }
}

export interface CpuReport {
  wallMs: number;
  /** CPU time of this process (all its threads: ORT's, libuv's, V8's) over the wall time, in cores */
  ownCores: number;
  /**
   * CPU time used by everything else on the machine over the wall time, in cores. On a shared or
   * noisy machine this is the number that says whether a slow row is the code or the neighbours.
   */
  otherCores: number | undefined;
}

/** Starts counting; the returned function stops and reports. */
export function cpuMonitor(): () => CpuReport {
  const t0 = nowMs();
  const own0 = process.cpuUsage();
  const m0 = machineCpu();
  return () => {
    const wallMs = nowMs() - t0;
    const own = process.cpuUsage(own0);
    const ownMs = (own.user + own.system) / 1000;
    const m1 = machineCpu();
    const otherMs = m0 && m1 ? Math.max(0, m1.busyMs - m0.busyMs - ownMs) : undefined;
    return {
      wallMs,
      ownCores: ownMs / wallMs,
      otherCores: otherMs === undefined ? undefined : otherMs / wallMs,
    };
  };
}

/**
 * Waits until the rest of the machine has used less than `maxOtherCores` for `quietMs` in a row, or
 * `timeoutMs` passed. Returns whether it got quiet. Benchmarks on shared machines (developers' boxes,
 * CI next to other jobs) call it before each measurement instead of publishing a neighbour's load.
 */
export async function waitForQuiet(
  maxOtherCores: number,
  quietMs = 2000,
  timeoutMs = 60_000,
): Promise<boolean> {
  const deadline = nowMs() + timeoutMs;
  let quietSince = nowMs();
  while (nowMs() < deadline) {
    const stop = cpuMonitor();
    await new Promise((r) => setTimeout(r, 500));
    const { otherCores } = stop();
    if (otherCores === undefined) return true;
    if (otherCores > maxOtherCores) quietSince = nowMs();
    else if (nowMs() - quietSince >= quietMs) return true;
  }
  return false;
}

/** Cosine similarity; the caller decides what counts as close. */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`cosine: length ${a.length} vs ${b.length}`);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return dot / Math.sqrt(na * nb);
}

/** Deterministic PRNG (mulberry32) so every run feeds the models the same "random" input. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The quiet-machine discipline of bench:index and bench:search: wait until other processes use at
 * most `busyCores`, measure, and measure again (up to `retries` times, keeping the least disturbed
 * run) when they did not stay quiet meanwhile.
 */
export function createMeasurer(options: { log: (m: string) => void; busyCores: number; retries: number }) {
  const { log, busyCores } = options;
  // a machine shared with other jobs may never be quiet: BENCH_QUIET_MAX_MIN=0 measures at once
  // (rows still get ⚠ and the CPU columns say how busy the rest of the machine was)
  const maxWaitMin = Number(process.env.BENCH_QUIET_MAX_MIN ?? 30);

  async function quiet(label: string): Promise<void> {
    if (maxWaitMin <= 0) return;
    for (let waited = 0; ; waited++) {
      if (await waitForQuiet(busyCores, 3000, 60_000)) return;
      log(`${label}: machine busy (another process uses > ${busyCores} cores), waiting (${waited + 1} min)`);
      if (waited + 1 >= maxWaitMin) {
        log(`${label}: still busy after ${maxWaitMin} min; measuring anyway (rows get ⚠)`);
        return;
      }
    }
  }

  async function measured<T extends { cpu: CpuReport }>(
    label: string,
    run: (attempt: number) => Promise<T>,
    retries = options.retries,
  ): Promise<T> {
    let best: T | undefined;
    for (let attempt = 0; attempt <= retries; attempt++) {
      await quiet(label);
      const r = await run(attempt);
      if (!best || (r.cpu.otherCores ?? 0) < (best.cpu.otherCores ?? 0)) best = r;
      if ((r.cpu.otherCores ?? 0) <= busyCores) break;
      log(`${label}: other processes used ${fmt(r.cpu.otherCores, 2)} cores meanwhile; measuring again`);
    }
    return best as T;
  }

  const cpuCell = (c: CpuReport | undefined) =>
    c ? `${fmt(c.ownCores, 2)} / ${fmt(c.otherCores, 2)}${(c.otherCores ?? 0) > busyCores ? ' ⚠' : ''}` : '';

  return { measured, cpuCell };
}

/**
 * kNN latency and recall@k against exact answers: `warmup` queries first (they page the index in),
 * then every query timed one after another.
 */
export async function measureKnn(
  run: (q: Float32Array) => Promise<number[]>,
  queries: Float32Array[],
  exact: number[][],
  warmup = 10,
): Promise<{ p50: number; p95: number; recall: number; cpu: CpuReport }> {
  for (const q of queries.slice(0, warmup)) await run(q);
  const ms: number[] = [];
  let hits = 0;
  const stop = cpuMonitor();
  for (const [i, q] of queries.entries()) {
    const t = nowMs();
    const ids = await run(q);
    ms.push(nowMs() - t);
    const truth = new Set(exact[i]);
    hits += ids.filter((id) => truth.has(id)).length / Math.max(1, truth.size);
  }
  const cpu = stop();
  const s = summarize(ms);
  return { p50: s.p50, p95: s.p95, recall: hits / queries.length, cpu };
}
