import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Polls a condition until it holds or the deadline passes, for effects another part of the system
 * brings about on its own schedule (a poller, another process). Fails naming what was awaited and
 * the last value seen. The deadline is a bound on a hang, not a speed target: keep it generous.
 */
export async function until<T>(
  read: () => Promise<T>,
  holds: (value: T) => boolean,
  what: string,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (holds(value)) return value;
    if (Date.now() > deadline) {
      throw new Error(`${what}: not within ${timeoutMs} ms; last seen ${JSON.stringify(value)}`);
    }
    await sleep(25);
  }
}
