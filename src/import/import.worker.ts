import { createSerialRun } from '../app/serial-run.ts';
import type { ImportJobRepository } from './import-job.repository.ts';
import {
  LEASE_SECONDS,
  workerId,
  type ImportJobLogger,
  type ImportJobService,
} from './import-job.service.ts';

/**
 * Runs import jobs in a web process: claims the next queued job (or one whose process died), one
 * at a time, when poked after an upload and every pollMs. With an embedded store no other process
 * can hold a job, so leases left by a killed run are released at start and the job resumes at once.
 */
export function createImportWorker(deps: {
  service: ImportJobService;
  jobs: ImportJobRepository;
  exclusive: boolean;
  logger?: ImportJobLogger | undefined;
  pollMs?: number | undefined;
}) {
  const { service, jobs } = deps;
  const worker = workerId();
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;

  async function drain(): Promise<void> {
    await service.sweep();
    while (!controller.signal.aborted) {
      const job = await jobs.claim(worker, LEASE_SECONDS);
      if (!job) return;
      deps.logger?.info({ import: job.id, attempt: job.attempts, from: job.processedRows }, 'import started');
      await service.run(job, worker, controller.signal);
    }
  }

  const runs = createSerialRun({
    work: drain,
    onError: (error) => {
      deps.logger?.warn({ err: (error as Error).message }, 'import worker: will try again');
      return 'again';
    },
    signal: controller.signal,
  });
  const poke = () => runs.trigger();

  return {
    worker,
    poke,
    async start() {
      if (deps.exclusive) await jobs.releaseAll();
      void poke();
      timer = setInterval(() => void poke(), deps.pollMs ?? 5000);
      timer.unref();
    },
    /** Stops between rows; the job's lease is handed back so the next start resumes it at once. */
    async stop() {
      clearInterval(timer);
      controller.abort();
      await runs.current()?.catch(() => {});
      await jobs.releaseMine(worker).catch(() => {});
    },
    /** resolves when no job is running here (tests) */
    idle: () => runs.current() ?? Promise.resolve(),
  };
}

export type ImportWorker = ReturnType<typeof createImportWorker>;
