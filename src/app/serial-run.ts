/**
 * One run at a time of a background task (the import worker, the index job). A call while a run
 * is under way gets that run and asks for one more after it, however many calls came meanwhile:
 * work that arrives during a run is picked up, and two runs never overlap.
 */
export function createSerialRun(deps: {
  work: () => Promise<void>;
  /** a run failed: 'again' still makes the run asked for meanwhile, 'stop' ends here */
  onError: (error: unknown) => 'again' | 'stop';
  signal: AbortSignal;
  /** after the last run of a series */
  onIdle?: () => void;
}) {
  let running: Promise<void> | null = null;
  let again = false;
  return {
    trigger(): Promise<void> {
      if (running) {
        again = true;
        return running;
      }
      running = (async () => {
        do {
          again = false;
          try {
            await deps.work();
          } catch (error) {
            if (deps.onError(error) === 'stop') break;
          }
        } while (again && !deps.signal.aborted);
      })().finally(() => {
        running = null;
        deps.onIdle?.();
      });
      return running;
    },
    /** the run under way, if any */
    current: (): Promise<void> | null => running,
  };
}
