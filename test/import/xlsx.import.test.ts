import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import ExcelJS from 'exceljs';
import { createAppContext, type AppContext } from '../../src/app/app.context.ts';
import { isAppError } from '../../src/errors/app-error.ts';
import { autoMapping } from '../../src/import/column.mapping.ts';
import { readImportTable } from '../../src/import/import.read.ts';
import { openZip } from '../../src/import/zip.archive.ts';
import { tempDir, testConfig } from '../helpers/test-env.ts';
import { makeZip } from '../helpers/zip-writer.ts';
import { supplierWorkbook, type SupplierWorkbook } from './workbook.fixture.ts';

const sha = (bytes: Buffer) => crypto.createHash('sha256').update(bytes).digest('hex');

describe('Excel price lists (real workbooks with embedded photos)', () => {
  let workbook: SupplierWorkbook;
  let ctx: AppContext;
  let dir: string;

  before(async () => {
    workbook = await supplierWorkbook();
    ctx = await createAppContext(await testConfig());
    dir = await tempDir();
  });
  after(async () => ctx?.close());

  it('finds the sheet with the table, the two-row header under the title, sections and photos', async () => {
    const table = await readImportTable(workbook.bytes, { name: 'price.xlsx' });
    assert.equal(table.format, 'xlsx');
    assert.deepEqual(table.sheets, ['Условия', 'Прайс']);
    assert.equal(table.sheet, 'Прайс', 'the cover sheet holds no table');
    assert.deepEqual(table.columns, [
      '№',
      'Фото',
      'Товар / Артикул',
      'Товар / Наименование',
      'Цена / опт',
      'Цена / розница',
      'Ед.',
    ]);
    const mapping = autoMapping(table.columns, table.fieldHints);
    assert.deepEqual(mapping, {
      images: 'Фото',
      sku: 'Товар / Артикул',
      name: 'Товар / Наименование',
      price: 'Цена / опт',
    });
    // rows: 7 8 9 12 13 14 16 (17 is merged into 16) 18 19 20; no empty, section or total rows
    assert.deepEqual(
      table.rows.map((r) => r.line),
      [7, 8, 9, 12, 13, 14, 16, 18, 19, 20],
    );
    const byLine = new Map(table.rows.map((r) => [r.line, r]));
    assert.equal(byLine.get(7)!.images.length, 2, 'two photos in one row');
    assert.equal(byLine.get(16)!.images.length, 2, 'a photo in each of the merged rows');
    assert.equal(byLine.get(14)!.images.length, 0);
    assert.equal(byLine.get(12)!.section, 'Овощи');
    const banana = await fs.readFile(workbook.products[0]!.photos[0]!);
    assert.deepEqual(byLine.get(7)!.images[0]!.bytes, banana);
    assert.equal(table.strayImages, 0);
  });

  it('imports the products with their photos, prices and sections; lists the broken rows with reasons', async () => {
    const file = path.join(dir, 'price.xlsx');
    await fs.writeFile(file, workbook.bytes);
    const summary = await ctx.importer.importFile(file);
    assert.equal(summary.imported, workbook.products.length, JSON.stringify(summary.errors));
    assert.deepEqual(
      summary.errors.map((e) => e.line),
      workbook.broken.map((b) => b.line),
    );
    for (const [i, b] of workbook.broken.entries()) assert.match(summary.errors[i]!.reason, b.reason);

    for (const expected of workbook.products) {
      const found = (await ctx.catalog.list({ q: expected.sku, page: 1, perPage: 1 })).items[0];
      assert.ok(found, expected.sku);
      const product = (await ctx.catalog.get(found.id))!;
      assert.equal(product.name, expected.name);
      assert.equal(product.price, expected.price, expected.sku);
      assert.equal(product.currency, expected.currency, expected.sku);
      assert.equal(product.category, expected.category);
      const photos = await Promise.all(expected.photos.map(async (p) => sha(await fs.readFile(p))));
      assert.deepEqual(
        product.images.map((i) => i.sha256),
        photos,
        `${expected.sku}: its photos, in order`,
      );
      // unmapped columns are kept as attributes under their header; the row number is not one
      assert.ok('Ед.' in product.attributes, JSON.stringify(product.attributes));
      assert.ok(!('№' in product.attributes), JSON.stringify(product.attributes));
    }
  });

  it('re-importing the same workbook updates instead of duplicating', async () => {
    const summary = await ctx.importer.importFile(path.join(dir, 'price.xlsx'));
    assert.equal(summary.updated, workbook.products.length);
    assert.equal(summary.imported, 0);
  });

  it('reads a chosen sheet, and names the sheets when the chosen one does not exist', async () => {
    // the cover sheet, chosen by name in any case: it has no table, and the message says where it looked
    await assert.rejects(readImportTable(workbook.bytes, { name: 'price.xlsx', sheet: 'условия' }), (e) => {
      assert.ok(isAppError(e));
      assert.equal(e.code, 'IMPORT_NO_HEADER');
      assert.match(e.in('ru'), /«Условия»/);
      return true;
    });
    await assert.rejects(readImportTable(workbook.bytes, { name: 'price.xlsx', sheet: 'Лист9' }), (e) => {
      assert.ok(isAppError(e));
      assert.equal(e.code, 'IMPORT_SHEET_NOT_FOUND');
      assert.match(e.in('ru'), /Условия, Прайс/);
      return true;
    });
    const second = await readImportTable(workbook.bytes, { name: 'price.xlsx', sheet: '2' });
    assert.equal(second.sheet, 'Прайс');
  });

  it('refuses an old .xls, a ZIP that is no workbook, a damaged workbook and a workbook bomb', async () => {
    const code = async (bytes: Buffer, name: string) => {
      try {
        await readImportTable(bytes, { name });
      } catch (error) {
        assert.ok(isAppError(error), String(error));
        return error.code;
      }
      return 'accepted';
    };
    const ole = Buffer.concat([
      Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
      Buffer.alloc(512),
    ]);
    assert.equal(await code(ole, 'old.xls'), 'IMPORT_XLS_LEGACY');
    assert.equal(
      await code(makeZip([{ name: 'word/document.xml', data: Buffer.from('<w/>') }]), 'x.xlsx'),
      'IMPORT_XLSX_INVALID',
    );
    assert.equal(
      await code(workbook.bytes.subarray(0, workbook.bytes.length / 2), 'cut.xlsx'),
      'IMPORT_XLSX_INVALID',
    );
    const bomb = makeZip([
      { name: 'xl/workbook.xml', data: Buffer.from('<workbook/>') },
      { name: 'xl/worksheets/sheet1.xml', data: Buffer.alloc(10), declaredSize: 2 ** 31 },
    ]);
    assert.equal(await code(bomb, 'bomb.xlsx'), 'ZIP_TOO_LARGE_UNPACKED');
    assert.equal(await code(Buffer.from([0, 1, 2, 3, 0, 0, 0, 9]), 'x.bin'), 'IMPORT_FORMAT_UNKNOWN');
  });

  it('reads a simple one-row header, numbers as SKUs, hyperlinks, rich text and dates', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Sheet1');
    ws.addRow(['SKU', 'Name', 'Price (EUR)', 'Image', 'Added']);
    ws.addRow([
      100234,
      { richText: [{ text: 'Red ' }, { text: 'apple', font: { bold: true } }] },
      2.5,
      null,
      new Date(Date.UTC(2026, 10, 1)),
    ]);
    ws.getCell('D2').value = { text: 'photo', hyperlink: 'https://example.com/a.jpg' };
    ws.addRow([]);
    ws.addRow(['A-2', 'Pear', '3,10', null, null]);
    const table = await readImportTable(Buffer.from(await wb.xlsx.writeBuffer()), { name: 'simple.xlsx' });
    assert.deepEqual(table.columns, ['SKU', 'Name', 'Price (EUR)', 'Image', 'Added']);
    assert.deepEqual(
      table.rows.map((r) => r.line),
      [2, 4],
    );
    assert.equal(table.rows[0]!.cells.SKU, 100234);
    assert.equal(table.rows[0]!.cells.Name, 'Red apple');
    assert.equal(table.rows[0]!.cells.Added, '2026-11-01');
    assert.equal(String(table.rows[0]!.cells.Image), 'photo');
  });
});

describe('pictures Excel places inside cells', () => {
  it('are counted, so the summary can say they were not read', async () => {
    const book = await supplierWorkbook();
    // the parts Excel 365 writes for «Place in Cell» pictures, added to a real workbook
    const zip = await openZip(book.bytes, {
      maxEntries: 1000,
      maxUnpackedBytes: 1e9,
      maxEntryBytes: 1e9,
      maxRatio: 1e6,
    });
    const files = [];
    for (const entry of zip.entries) files.push({ name: entry.name, data: await zip.read(entry) });
    zip.close();
    const rels =
      '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
      '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="../media/image1.jpeg"/>' +
      '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="../media/image2.jpeg"/>' +
      '</Relationships>';
    files.push({ name: 'xl/richData/_rels/richValueRel.xml.rels', data: Buffer.from(rels) });
    const table = await readImportTable(makeZip(files), { name: 'in-cell.xlsx' });
    assert.equal(table.cellImages, 2);
    assert.equal(table.rows.length, 10, 'the rest of the sheet reads as before');
  });
});

describe('workbooks from other producers', () => {
  it('reads pictures from drawings in the default namespace with absolute targets (as openpyxl writes them)', async () => {
    const book = await supplierWorkbook();
    const zip = await openZip(book.bytes, {
      maxEntries: 1000,
      maxUnpackedBytes: 1e9,
      maxEntryBytes: 1e9,
      maxRatio: 1e6,
    });
    const files = [];
    for (const entry of zip.entries) {
      let data = await zip.read(entry);
      const text = () => data.toString('utf8');
      if (/^xl\/drawings\/drawing\d+\.xml$/.test(entry.name)) {
        // no xdr: prefix; the drawing namespace is the default one
        data = Buffer.from(
          text()
            .replace(/<(\/?)xdr:/g, '<$1')
            .replace('xmlns:xdr=', 'xmlns='),
        );
      } else if (/_rels\/.*\.rels$/.test(entry.name)) {
        data = Buffer.from(text().replace(/Target="\.\.\/(media|drawings)\//g, 'Target="/xl/$1/'));
      }
      files.push({ name: entry.name, data });
    }
    zip.close();
    const table = await readImportTable(makeZip(files), { name: 'openpyxl-like.xlsx' });
    const original = await readImportTable(book.bytes, { name: 'price.xlsx' });
    assert.deepEqual(
      table.rows.map((r) => [r.line, r.images.length]),
      original.rows.map((r) => [r.line, r.images.length]),
    );
    assert.deepEqual(table.rows[0]!.images[0]!.bytes, original.rows[0]!.images[0]!.bytes);
  });
});
