import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { readGroceryDemo } from '../../src/catalog/catalog.demo.ts';
import { groceryDir } from '../helpers/test-env.ts';

const missing = fs.existsSync(path.join(groceryDir, 'dataset/classes.csv'))
  ? false
  : `no dataset at ${groceryDir}`;

describe('the demo catalog', { skip: missing }, () => {
  it('has plausible prices in roubles and several suppliers, the same on every import', async () => {
    const first = await readGroceryDemo(groceryDir);
    const again = await readGroceryDemo(groceryDir);
    assert.equal(first.rows.length, 81);
    const offers = first.rows.map((r) => r.values);
    assert.deepEqual(
      offers.map((o) => [o.price, o.supplier]),
      again.rows.map((r) => [r.values.price, r.values.supplier]),
    );
    for (const o of offers) {
      assert.equal(o.currency, 'RUB');
      assert.match(String(o.price), /^\d+\.90$/);
      assert.ok(Number(o.price) >= 39 && Number(o.price) <= 600, `${o.name}: ${o.price}`);
    }
    const suppliers = new Map<string, number>();
    for (const o of offers) suppliers.set(String(o.supplier), (suppliers.get(String(o.supplier)) ?? 0) + 1);
    assert.ok(suppliers.size >= 4 && Math.min(...suppliers.values()) >= 5, JSON.stringify([...suppliers]));
    assert.ok(new Set(offers.map((o) => o.price)).size > 40, 'prices differ enough to sort by');
  });
});
