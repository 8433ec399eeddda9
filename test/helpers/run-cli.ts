import { spawn } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from './test-env.ts';
import { until } from './until.ts';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `vitrina <args>` as a user would, in a child process; `input` is piped to its stdin. */
export function runCli(
  args: string[],
  env: Record<string, string | undefined> = {},
  timeoutMs = 120_000,
  input?: string,
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(repoRoot, 'bin/vitrina.js'), ...args], {
      cwd: repoRoot,
      // DEMO_ON_EMPTY=0: a test's empty catalog stays empty unless the test imports something;
      // BACKGROUND_DIR=none: no ~900 Debian images embedded by a test's indexing
      env: { ...process.env, LOG_LEVEL: 'silent', DEMO_ON_EMPTY: '0', BACKGROUND_DIR: 'none', ...env },
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    if (input !== undefined) child.stdin!.end(input);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export const lastJsonLine = (stdout: string): unknown =>
  JSON.parse(stdout.trim().split('\n').at(-1) ?? 'null');

/**
 * `vitrina <args>` as a child the test watches while it runs: its stderr (progress lines) can be
 * awaited, and it can be killed at a chosen moment. `done` resolves as runCli does.
 */
export function spawnCli(args: string[], env: Record<string, string | undefined> = {}) {
  const child = spawn(process.execPath, [path.join(repoRoot, 'bin/vitrina.js'), ...args], {
    cwd: repoRoot,
    env: { ...process.env, LOG_LEVEL: 'silent', DEMO_ON_EMPTY: '0', BACKGROUND_DIR: 'none', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  return {
    pid: child.pid!,
    done,
    stderr: () => stderr,
    ended: () => child.exitCode !== null || child.signalCode !== null,
    /** resolves with the first match in stderr; fails if the process ends first or time runs out */
    waitFor(pattern: RegExp, timeoutMs = 60_000): Promise<RegExpMatchArray> {
      return until(
        async () => {
          const match = stderr.match(pattern);
          if (!match && (child.exitCode !== null || child.signalCode !== null))
            throw new Error(`vitrina ${args[0]} ended (${child.exitCode}) before ${pattern}: ${stderr}`);
          return match;
        },
        (match) => match !== null,
        `${pattern} from vitrina ${args.join(' ')}`,
        timeoutMs,
      ).then((match) => match!);
    },
    async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await done;
    },
  };
}

export type CliChild = ReturnType<typeof spawnCli>;
