import fs from 'node:fs/promises';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { groceryDir } from '../helpers/test-env.ts';

const iconic = (rel: string) => path.join(groceryDir, 'dataset/iconic-images-and-descriptions', rel);
const store = (rel: string) => path.join(groceryDir, 'dataset/train', rel);

/** Real product photos of the Grocery Store dataset, read at run time. */
export const PHOTOS = {
  banana: iconic('Fruit/Banana/Banana_Iconic.jpg'),
  bananaShelf: store('Fruit/Banana/Banana_001.jpg'),
  lemon: iconic('Fruit/Lemon/Lemon_Iconic.jpg'),
  kiwi: iconic('Fruit/Kiwi/Kiwi_Iconic.jpg'),
  garlic: iconic('Vegetables/Garlic/Garlic_Iconic.jpg'),
  milk: iconic('Packages/Milk/Arla-Standard-Milk/Arla-Standard-Milk_Iconic.jpg'),
  milkShelf: store('Packages/Milk/Arla-Standard-Milk/Arla-Standard-Milk_001.jpg'),
  yoghurt: iconic('Packages/Yoghurt/Valio-Vanilla-Yoghurt/Valio-Vanilla-Yoghurt_Iconic.jpg'),
  juice: iconic('Packages/Juice/Bravo-Apple-Juice/Bravo-Apple-Juice_Iconic.jpg'),
};

export interface ExpectedProduct {
  sku: string;
  name: string;
  price: number | null;
  currency: string | null;
  category: string;
  photos: string[];
}

export interface SupplierWorkbook {
  bytes: Buffer;
  products: ExpectedProduct[];
  /** Excel row number → what the failure reason must mention */
  broken: { line: number; reason: RegExp }[];
}

/**
 * A price list as suppliers send them: a title and a note merged across the top, a two-row header
 * («Товар» over «Артикул» and «Наименование», «Цена» over «опт» and «розница»), section rows
 * merged across the sheet, a photo in each row (one product with two, one product spread over two
 * merged rows with a photo in each), prices written «1 250,00 ₽» or as money-formatted numbers,
 * empty rows, and a few broken rows.
 */
export async function supplierWorkbook(): Promise<SupplierWorkbook> {
  const wb = new ExcelJS.Workbook();
  const cover = wb.addWorksheet('Условия');
  cover.getCell('A1').value = 'Условия поставки: предоплата 50%.';
  const ws = wb.addWorksheet('Прайс');
  ws.columns = [
    { width: 5 },
    { width: 14 },
    { width: 12 },
    { width: 36 },
    { width: 14 },
    { width: 14 },
    { width: 8 },
  ];
  ws.mergeCells('A1:G1');
  ws.getCell('A1').value = 'ООО «Фермер» — прайс-лист на 1 декабря';
  ws.mergeCells('A2:G2');
  ws.getCell('A2').value = 'Цены с НДС. Минимальный заказ — 10 000 ₽.';
  // row 3 empty
  for (const [range, value] of [
    ['A4:A5', '№'],
    ['B4:B5', 'Фото'],
    ['C4:D4', 'Товар'],
    ['E4:F4', 'Цена'],
    ['G4:G5', 'Ед.'],
  ] as const) {
    ws.mergeCells(range);
    ws.getCell(range.split(':')[0]!).value = value;
  }
  ws.getCell('C5').value = 'Артикул';
  ws.getCell('D5').value = 'Наименование';
  ws.getCell('E5').value = 'опт';
  ws.getCell('F5').value = 'розница';
  for (const r of [4, 5]) ws.getRow(r).font = { bold: true };

  const photo = async (file: string) =>
    wb.addImage({ buffer: (await fs.readFile(file)) as unknown as ExcelJS.Buffer, extension: 'jpeg' });
  const place = (imageId: number, row: number, col = 1, offset = 0) =>
    ws.addImage(imageId, {
      tl: { col: col + offset + 0.05, row: row - 1 + 0.05 },
      br: { col: col + offset + 0.95, row: row - 1 + 0.95 },
    } as unknown as ExcelJS.ImageRange);

  const section = (row: number, title: string) => {
    ws.mergeCells(`A${row}:G${row}`);
    ws.getCell(`A${row}`).value = title;
    ws.getCell(`A${row}`).font = { bold: true };
  };
  const product = (row: number, values: unknown[]) => {
    ws.getRow(row).values = values as ExcelJS.CellValue[];
    ws.getRow(row).height = 60;
  };
  const rubles = '#,##0.00 "₽"';

  section(6, 'Фрукты');
  product(7, [1, null, 'FR-001', 'Бананы Эквадор, кг', '1 250,00 ₽', '1 490,00 ₽', 'кг']);
  place(await photo(PHOTOS.banana), 7);
  place(await photo(PHOTOS.bananaShelf), 7, 1, 0.5); // a second photo in the same row
  product(8, [2, null, 'FR-002', 'Лимоны', 189.9, 229, 'кг']);
  ws.getCell('E8').numFmt = rubles;
  ws.getCell('F8').numFmt = rubles;
  place(await photo(PHOTOS.lemon), 8);
  product(9, [3, null, 'FR-003', 'Киви', '1,250.00', null, 'кг']);
  place(await photo(PHOTOS.kiwi), 9);
  // row 10 empty
  section(11, 'Овощи');
  product(12, [4, null, 'VG-001', 'Чеснок', '1 000', null, 'кг']);
  place(await photo(PHOTOS.garlic), 12);
  // broken: no article number
  product(13, [5, null, null, 'Чеснок молодой', '300 ₽', null, 'кг']);
  place(await photo(PHOTOS.garlic), 13);
  // broken: a price nobody can read
  product(14, [6, null, 'VG-003', 'Лук', '12,5,0 руб', null, 'кг']);
  section(15, 'Молочные продукты');
  // one product over two merged rows, a photo in each
  for (const col of ['A', 'C', 'D', 'E', 'F', 'G']) ws.mergeCells(`${col}16:${col}17`);
  product(16, [7, null, 'ML-001', 'Молоко Arla 3%, 1 л', '89,90 ₽', '99,90 ₽', 'шт']);
  ws.getRow(17).height = 60;
  place(await photo(PHOTOS.milk), 16);
  place(await photo(PHOTOS.milkShelf), 17);
  product(18, [8, null, 'ML-002', 'Йогурт ванильный', null, null, 'шт']);
  ws.getCell('E18').value = { formula: 'F18*0.9', result: 63 } as ExcelJS.CellFormulaValue;
  ws.getCell('F18').value = 70;
  ws.getCell('F18').numFmt = rubles;
  place(await photo(PHOTOS.yoghurt), 18);
  // broken: a formula saved without its result (never calculated here)
  product(19, [9, null, 'ML-003', 'Сок яблочный', null, null, 'шт']);
  ws.getCell('E19').value = { formula: 'F19*0.9' } as ExcelJS.CellFormulaValue;
  place(await photo(PHOTOS.juice), 19);
  // broken: the picture in the row is not an image
  product(20, [10, null, 'ML-004', 'Кефир', '75,50 ₽', null, 'шт']);
  place(
    wb.addImage({
      buffer: Buffer.from('not really a picture') as unknown as ExcelJS.Buffer,
      extension: 'png',
    }),
    20,
  );
  ws.mergeCells('A22:G22');
  ws.getCell('A22').value = 'Итого позиций: 10';

  return {
    bytes: Buffer.from(await wb.xlsx.writeBuffer()),
    products: [
      {
        sku: 'FR-001',
        name: 'Бананы Эквадор, кг',
        price: 1250,
        currency: 'RUB',
        category: 'Фрукты',
        photos: [PHOTOS.banana, PHOTOS.bananaShelf],
      },
      {
        sku: 'FR-002',
        name: 'Лимоны',
        price: 189.9,
        currency: 'RUB',
        category: 'Фрукты',
        photos: [PHOTOS.lemon],
      },
      {
        sku: 'FR-003',
        name: 'Киви',
        price: 1250,
        currency: 'RUB',
        category: 'Фрукты',
        photos: [PHOTOS.kiwi],
      },
      {
        sku: 'VG-001',
        name: 'Чеснок',
        price: 1000,
        currency: 'RUB', // the rest of the list is in rubles
        category: 'Овощи',
        photos: [PHOTOS.garlic],
      },
      {
        sku: 'ML-001',
        name: 'Молоко Arla 3%, 1 л',
        price: 89.9,
        currency: 'RUB',
        category: 'Молочные продукты',
        photos: [PHOTOS.milk, PHOTOS.milkShelf],
      },
      {
        sku: 'ML-002',
        name: 'Йогурт ванильный',
        price: 63,
        currency: 'RUB',
        category: 'Молочные продукты',
        photos: [PHOTOS.yoghurt],
      },
    ],
    broken: [
      { line: 13, reason: /sku/ },
      { line: 14, reason: /price "12,5,0 руб"/ },
      { line: 19, reason: /E19.*formula/ },
      { line: 20, reason: /^B20: not an image/i },
    ],
  };
}
