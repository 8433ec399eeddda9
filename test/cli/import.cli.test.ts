import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { lastJsonLine, runCli } from '../helpers/run-cli.ts';
import { tempDir } from '../helpers/test-env.ts';
import { supplierWorkbook } from '../import/workbook.fixture.ts';

describe('vitrina import (Excel, column mapping)', () => {
  it('imports a supplier workbook with its embedded photos, listing the broken rows', async () => {
    const dir = await tempDir();
    const book = await supplierWorkbook();
    const file = path.join(dir, 'price.xlsx');
    await fs.writeFile(file, book.bytes);
    const r = await runCli(['import', file, '--supplier', 'ООО Фермер', '--json'], {
      DATA_DIR: await tempDir(),
    });
    assert.equal(r.code, 0, r.stderr);
    const summary = lastJsonLine(r.stdout) as {
      imported: number;
      failed: number;
      errors: { line: number }[];
    };
    assert.equal(summary.imported, book.products.length);
    assert.deepEqual(
      summary.errors.map((e) => e.line),
      book.broken.map((b) => b.line),
    );
    assert.match(r.stderr, /line 19: cell E19 holds a formula without a saved result/);
  });

  it('reads columns the header does not name through --map, and explains a wrong --map', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'odd.csv');
    await fs.writeFile(file, 'Номер;Позиция;Сумма\nX-1;Вещь;1 250,00 ₽\n');
    const dataDir = await tempDir();
    const unnamed = await runCli(['import', file], { DATA_DIR: dataDir });
    assert.equal(unnamed.code, 1);
    assert.match(unnamed.stderr, /no "sku" column \(found: Номер, Позиция, Сумма\)/);
    const mapped = await runCli(['import', file, '--map', 'sku=Номер,name=Позиция,price=Сумма', '--json'], {
      DATA_DIR: dataDir,
    });
    assert.equal(mapped.code, 0, mapped.stderr);
    assert.equal((lastJsonLine(mapped.stdout) as { imported: number }).imported, 1);
    const wrong = await runCli(['import', file, '--map', 'sku=Номер,name=Нет'], { DATA_DIR: dataDir });
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /the file has no column "Нет"/);
  });
});
