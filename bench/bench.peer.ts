/**
 * The peer of bench:search: the original system's request path (bench/peer/app.py: Flask, Pillow,
 * PyTorch fp32, psycopg2) on 127.0.0.1, against the same server database as our server store.
 *
 * Its vectors are ours: the same images embedded by the same random ViT-B/32 (our side through
 * ONNX, the peer's torch module is the one that ONNX file was exported from), copied into a table
 * of the original's shape with its own HNSW index, so both answer from the same vectors.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import type { Db } from '../src/db/db.client.ts';
import { BENCH_DIR } from './bench.models.ts';

export const PEER_PYTHON = process.env.BENCH_PEER_PYTHON ?? '/usr/bin/python3';
export const PEER_APP = path.join(BENCH_DIR, 'peer', 'app.py');
/**
 * Debian's python3-torch links the reference BLAS (libblas3: 23 s per ViT-B/32 forward here);
 * pip's torch, which the original ran, brings MKL. The peer loads Debian's OpenBLAS
 * (libopenblas0-pthread) instead when it is installed, for itself only (no system alternative changed).
 */
export const PEER_BLAS_DIR = '/usr/lib/x86_64-linux-gnu/openblas-pthread';

/** peer_embeddings (id, product_id, embedding vector(dim)) + HNSW, from our vectors of `model`. */
export async function preparePeerTable(db: Db, model: string, dim: number): Promise<number> {
  const d = Number(dim);
  // copying, indexing and analyzing a whole set is maintenance: no request statement limit (the
  // app's pool sets one, enforced by the server and by the client)
  const rowCount = await db.transaction(
    async (tx) => {
      await tx.query('drop table if exists peer_embeddings');
      await tx.query(
        `create table peer_embeddings (id bigint primary key, product_id bigint not null, embedding vector(${d}) not null)`,
      );
      const inserted = await tx.query(
        `insert into peer_embeddings select image_id, product_id, embedding::vector(${d})
         from image_embeddings where model = $1`,
        [model],
      );
      await tx.query(
        'create index peer_embeddings_hnsw on peer_embeddings using hnsw (embedding vector_cosine_ops)',
      );
      await tx.query('analyze peer_embeddings');
      return inserted.rowCount;
    },
    { unbounded: true },
  );
  return rowCount ?? 0;
}

export interface Peer {
  port: number;
  /** what the peer printed when it started: port, torch threads and version */
  banner: string;
  stop(): Promise<void>;
}

/** Starts the Flask peer and resolves once it listens (or rejects with its stderr). */
export async function startPeer(opts: { dsn: string; configDir: string; threads: number }): Promise<Peer> {
  const openblas = existsSync(path.join(PEER_BLAS_DIR, 'libblas.so.3'));
  const env = openblas
    ? {
        ...process.env,
        LD_LIBRARY_PATH: [PEER_BLAS_DIR, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':'),
      }
    : process.env;
  const child: ChildProcess = spawn(
    PEER_PYTHON,
    [
      PEER_APP,
      '--dsn',
      opts.dsn,
      '--port',
      '0',
      '--config-dir',
      opts.configDir,
      '--threads',
      String(opts.threads),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env },
  );
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => {
    stderr = (stderr + c.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  try {
    const banner = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`peer did not listen within 600 s: ${stderr}`)),
        600_000,
      );
      const lines = readline.createInterface({ input: child.stdout! });
      lines.on('line', (line) => {
        if (line.startsWith('listening ')) {
          clearTimeout(timer);
          resolve(line);
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`peer exited (${code}) before listening: ${stderr}`));
      });
    });
    return {
      port: Number(banner.split(' ')[1]),
      banner: `${banner}, BLAS ${openblas ? 'OpenBLAS (Debian)' : 'reference (Debian libblas3)'}`,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
