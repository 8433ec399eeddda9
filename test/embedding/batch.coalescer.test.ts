import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createBatchCoalescer } from '../../src/embedding/batch.coalescer.ts';

/** A runner whose passes finish when the test says so, recording what each pass received. */
function controlledRunner() {
  const passes: number[][] = [];
  const finishers: Array<() => void> = [];
  const run = (items: number[]) =>
    new Promise<string[]>((resolve, reject) => {
      passes.push(items);
      finishers.push(() =>
        items.includes(-1) ? reject(new Error('pass failed')) : resolve(items.map((n) => `v${n}`)),
      );
    });
  const finishNext = async () => {
    finishers.shift()!();
    // let the coalescer hand out results and start its next pass
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { run, passes, finishNext };
}

describe('createBatchCoalescer', () => {
  it('starts a lone request at once and merges those arriving meanwhile into one pass', async () => {
    const { run, passes, finishNext } = controlledRunner();
    const submit = createBatchCoalescer(run, 16);
    const first = submit([1]);
    assert.deepEqual(passes, [[1]], 'an idle runner does not wait for company');
    const queued = [submit([2]), submit([3, 4]), submit([5])];
    assert.equal(passes.length, 1, 'nothing else runs while a pass is in flight');
    await finishNext();
    assert.deepEqual(await first, ['v1']);
    assert.deepEqual(passes[1], [2, 3, 4, 5]);
    await finishNext();
    assert.deepEqual(await Promise.all(queued), [['v2'], ['v3', 'v4'], ['v5']]);
  });

  it('never splits a request: one that does not fit goes first in the next pass', async () => {
    const { run, passes, finishNext } = controlledRunner();
    const submit = createBatchCoalescer(run, 4);
    const all = [submit([0]), submit([1, 2, 3]), submit([4, 5]), submit([6]), submit([7, 8, 9, 10])];
    await finishNext();
    await finishNext();
    await finishNext();
    assert.deepEqual(passes, [[0], [1, 2, 3], [4, 5, 6], [7, 8, 9, 10]].slice(0, passes.length));
    await finishNext();
    assert.deepEqual(passes, [[0], [1, 2, 3], [4, 5, 6], [7, 8, 9, 10]]);
    assert.deepEqual(
      (await Promise.all(all)).flat(),
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((n) => `v${n}`),
    );
  });

  it('fails the requests of a failed pass and goes on with the ones queued behind it', async () => {
    const { run, passes, finishNext } = controlledRunner();
    const submit = createBatchCoalescer(run, 2);
    const first = submit([0]);
    const failing = Promise.allSettled([submit([-1]), submit([1])]);
    const after = submit([2]);
    await finishNext();
    await finishNext();
    await finishNext();
    assert.deepEqual(await first, ['v0']);
    for (const outcome of await failing) {
      assert.equal(outcome.status, 'rejected');
      assert.match(String(outcome.reason), /pass failed/);
    }
    assert.deepEqual(await after, ['v2']);
    assert.deepEqual(passes, [[0], [-1, 1], [2]]);
  });

  it('answers an empty request without running anything', async () => {
    const { run, passes } = controlledRunner();
    assert.deepEqual(await createBatchCoalescer(run, 4)([]), []);
    assert.equal(passes.length, 0);
  });
});
