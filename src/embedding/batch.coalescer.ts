interface Job<T, R> {
  items: T[];
  resolve: (results: R[]) => void;
  reject: (error: unknown) => void;
}

/**
 * Lets one batch run at a time and merges the requests that arrive meanwhile into the next one.
 * An idle runner starts at once, so a lone search waits for nothing; under load, concurrent searches
 * share forward passes, which on CPU cost less per image than one pass each (docs/bench-search.md).
 * Requests are never split: one that does not fit goes first in the next batch, so order is FIFO.
 */
export function createBatchCoalescer<T, R>(
  run: (items: T[]) => Promise<R[]>,
  maxBatch: number,
): (items: T[]) => Promise<R[]> {
  const queue: Job<T, R>[] = [];
  let running = false;

  function takeBatch(): Job<T, R>[] {
    const jobs = [queue.shift()!];
    let size = jobs[0]!.items.length;
    while (queue.length > 0 && size + queue[0]!.items.length <= maxBatch) {
      const job = queue.shift()!;
      size += job.items.length;
      jobs.push(job);
    }
    return jobs;
  }

  async function runBatch(jobs: Job<T, R>[]): Promise<void> {
    try {
      const results = await run(jobs.flatMap((job) => job.items));
      let offset = 0;
      for (const job of jobs) {
        job.resolve(results.slice(offset, offset + job.items.length));
        offset += job.items.length;
      }
    } catch (error) {
      // a failed pass fails the requests that were in it, not the ones queued behind it
      for (const job of jobs) job.reject(error);
    }
  }

  async function drain(): Promise<void> {
    running = true;
    while (queue.length > 0) await runBatch(takeBatch());
    running = false;
  }

  return (items) => {
    if (items.length === 0) return Promise.resolve([]);
    return new Promise<R[]>((resolve, reject) => {
      queue.push({ items, resolve, reject });
      if (!running) void drain();
    });
  };
}
