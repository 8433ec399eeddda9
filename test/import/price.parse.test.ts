import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAppError } from '../../src/errors/app-error.ts';
import { autoMapping, headerCurrency, validateMapping } from '../../src/import/column.mapping.ts';
import { detectFormat, readCsvTable } from '../../src/import/import.table.ts';
import { parsePrice } from '../../src/import/price.parse.ts';
import { currencyOfFormat } from '../../src/import/xlsx.read.ts';

describe('prices as people write them', () => {
  it('reads grouping spaces, both decimal marks and currency signs', () => {
    const cases: [unknown, number, string | null][] = [
      ['1 250,00 ₽', 1250, 'RUB'],
      ['1\u00a0250,50\u00a0₽', 1250.5, 'RUB'],
      ['1\u202f000', 1000, null],
      ['1,250.00', 1250, null],
      ['1.250,00 €', 1250, 'EUR'],
      ['$12.50', 12.5, 'USD'],
      ['12,5 руб.', 12.5, 'RUB'],
      ['1250р', 1250, 'RUB'],
      ['1 250 руб/шт', 1250, 'RUB'],
      ['RUB 1 250', 1250, 'RUB'],
      ["1'250.00 CHF", 1250, 'CHF'],
      ['1,250', 1250, null],
      ['1,25', 1.25, null],
      ['1.250.000', 1250000, null],
      ['89.90', 89.9, null],
      ['75,50', 75.5, null],
      [12.345, 12.35, null],
      ['0', 0, null],
    ];
    for (const [input, price, currency] of cases) {
      assert.deepEqual(parsePrice(input), { price, currency }, JSON.stringify(input));
    }
  });

  it('takes «по запросу» and empty cells as no price', () => {
    for (const v of ['', '  ', null, undefined, 'по запросу', 'Договорная', '—'])
      assert.equal(parsePrice(v), null);
  });

  it('refuses what is not one non-negative amount', () => {
    for (const v of ['-5', 'abc', '12,5,0 руб', '1 2 3', '12 $ €', '1e5', 'цена 10']) {
      assert.throws(
        () => parsePrice(v),
        (e) => isAppError(e) && e.code === 'ROW_BAD_PRICE',
        JSON.stringify(v),
      );
    }
  });

  it('reads currencies from headers and number formats', () => {
    assert.equal(headerCurrency('Цена, руб.'), 'RUB');
    assert.equal(headerCurrency('Price (EUR)'), 'EUR');
    assert.equal(headerCurrency('Цена, ₽'), 'RUB');
    assert.equal(headerCurrency('Price net'), null);
    assert.equal(currencyOfFormat('#,##0.00 "₽"'), 'RUB');
    assert.equal(currencyOfFormat('[$€-407] #,##0.00'), 'EUR');
    assert.equal(currencyOfFormat('#,##0"р."'), 'RUB');
    assert.equal(currencyOfFormat('[$$-409]#,##0.00'), 'USD');
    assert.equal(currencyOfFormat('#,##0.00'), null);
    assert.equal(currencyOfFormat('General'), null);
  });
});

describe('supplier CSV files and column mapping', () => {
  it('reads Excel-in-Russian CSV: Windows-1251, ";" between fields, Russian headers', () => {
    const text =
      'Артикул;Наименование;Цена, руб.;Фото\r\nA-1;Яблоки;"1 250,00";a.jpg\r\n;;;\r\nA-2;Груши;99;\r\n';
    const cp1251 = encode1251(text);
    assert.equal(detectFormat(cp1251, 'price.csv'), 'csv');
    const table = readCsvTable(cp1251, 'price.csv');
    assert.deepEqual(table.columns, ['Артикул', 'Наименование', 'Цена, руб.', 'Фото']);
    assert.deepEqual(
      table.rows.map((r) => r.line),
      [2, 4],
    );
    assert.equal(table.rows[0]!.cells['Цена, руб.'], '1 250,00');
    assert.deepEqual(autoMapping(table.columns), {
      sku: 'Артикул',
      name: 'Наименование',
      price: 'Цена, руб.',
      images: 'Фото',
    });
  });

  it('validates a chosen mapping: known fields, existing columns, one column per field, sku and name', () => {
    const columns = ['Код', 'Товар', 'Стоимость'];
    assert.deepEqual(validateMapping({ sku: 'Код', name: 'Товар', price: '' }, columns), {
      sku: 'Код',
      name: 'Товар',
    });
    const problem = (input: Record<string, unknown>) => {
      try {
        validateMapping(input, columns);
      } catch (e) {
        assert.ok(isAppError(e));
        return (e.params as { problem: string }).problem;
      }
      return 'accepted';
    };
    assert.equal(problem({ sku: 'Код' }), 'required');
    assert.equal(problem({ sku: 'Код', price: 'Код' }), 'twice');
    // a list without article numbers: the name is the SKU too
    assert.deepEqual(validateMapping({ sku: 'Товар', name: 'Товар' }, columns), {
      sku: 'Товар',
      name: 'Товар',
    });
    assert.equal(problem({ sku: 'Код', name: 'Нет такого' }), 'column');
    assert.equal(problem({ sku: 'Код', name: 'Товар', colour: 'Товар' }), 'field');
  });
});

/** Windows-1251 bytes of Cyrillic text (what Excel saves as «CSV (разделители — точка с запятой)») */
function encode1251(text: string): Buffer {
  const table = new TextDecoder('windows-1251').decode(Uint8Array.from({ length: 256 }, (_, i) => i));
  return Buffer.from([...text].map((ch) => (ch.charCodeAt(0) < 128 ? ch.charCodeAt(0) : table.indexOf(ch))));
}
