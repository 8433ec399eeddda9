import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './serve-process.ts';
import { tempDir } from './test-env.ts';

const run = promisify(execFile);

export const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

/**
 * A PostgreSQL server of the test's own (initdb in a temp folder, a free port), which the test may
 * stop, freeze and resume; the machine's service is never touched.
 */
export interface PgInstance {
  /** postgres://postgres@127.0.0.1:<port>/<database> */
  url(database?: string): string;
  port: number;
  /** pg_ctl stop: `fast` ends the sessions politely, `immediate` as a crash would */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  /** pg_ctl start -w: returns once it accepts connections */
  start(): Promise<void>;
  /** SIGSTOP to the postmaster and every backend: the server keeps its sockets but never answers */
  freeze(): Promise<void>;
  thaw(): Promise<void>;
  /** thaws, stops and deletes the folder; safe to call in any state, and twice */
  destroy(): Promise<void>;
}

/** Why the outage tests cannot run here, or false when they can. */
export async function pgInstanceUnavailableReason(): Promise<string | false> {
  try {
    await fs.access(path.join(PG_BIN, 'initdb'));
    return false;
  } catch {
    return `no initdb in ${PG_BIN} (set PG_BIN to PostgreSQL's bin folder)`;
  }
}

export async function startPgInstance(): Promise<PgInstance> {
  const root = await tempDir('vitrina-pg-');
  const data = path.join(root, 'data');
  // As root, PostgreSQL refuses to run: its programs run as the postgres user, who must own the folder.
  const asRoot = process.getuid?.() === 0;
  let owner: { uid: number; gid: number } | null = null;
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    owner = { uid: Number(stdout.trim()), gid: Number(gid.trim()) };
    await fs.chown(root, owner.uid, owner.gid);
  }
  const pg = (program: string, args: string[]) =>
    asRoot
      ? run('runuser', ['-u', 'postgres', '--', path.join(PG_BIN, program), ...args])
      : run(path.join(PG_BIN, program), args);
  const port = await freePort();
  let running = false;
  let frozen: number[] = [];

  await pg('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync', '-N']);
  const options = [
    `-p ${port}`,
    '-c listen_addresses=127.0.0.1',
    `-c unix_socket_directories=${root}`,
    '-c fsync=off',
    '-c max_connections=60',
    '-c shared_buffers=16MB',
  ].join(' ');
  const instance: PgInstance = {
    port,
    url: (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`,
    async start() {
      await pg('pg_ctl', [
        'start',
        '-D',
        data,
        '-w',
        '-t',
        '60',
        '-l',
        path.join(root, 'log'),
        '-o',
        options,
      ]);
      running = true;
    },
    async stop(mode = 'fast') {
      await pg('pg_ctl', ['stop', '-D', data, '-w', '-m', mode]);
      running = false;
    },
    async freeze() {
      const postmaster = Number(
        (await fs.readFile(path.join(data, 'postmaster.pid'), 'utf8')).split('\n')[0],
      );
      // The postmaster first, so it forks no backend after the list below is read.
      process.kill(postmaster, 'SIGSTOP');
      frozen = [postmaster];
      for (const pid of await childrenOf(postmaster)) {
        process.kill(pid, 'SIGSTOP');
        frozen.push(pid);
      }
    },
    async thaw() {
      for (const pid of frozen.reverse()) {
        try {
          process.kill(pid, 'SIGCONT');
        } catch {
          // already gone
        }
      }
      frozen = [];
    },
    async destroy() {
      await instance.thaw();
      if (running) await instance.stop('immediate').catch(() => {});
      await fs.rm(root, { recursive: true, force: true });
    },
  };
  try {
    await instance.start();
  } catch (error) {
    await instance.destroy();
    throw error;
  }
  return instance;
}

async function childrenOf(pid: number): Promise<number[]> {
  const children: number[] = [];
  for (const entry of await fs.readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await fs.readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // the command may hold spaces and parentheses: the fields after the last ')' are fixed
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid === pid) children.push(Number(entry));
  }
  return children;
}
