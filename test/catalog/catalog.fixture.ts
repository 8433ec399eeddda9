import fs from 'node:fs/promises';
import path from 'node:path';
import { writeImage } from '../helpers/test-env.ts';

/**
 * A small catalog in both languages with prices, so filters, sorting, pages and both
 * full-text configurations have something to tell apart.
 */
export async function writeFixtureCatalog(dir: string): Promise<string> {
  await writeImage(path.join(dir, 'img/red.png'), { r: 220, g: 30, b: 30 });
  await writeImage(path.join(dir, 'img/green.jpg'), { r: 30, g: 200, b: 40 }, 'jpeg');
  await writeImage(path.join(dir, 'img/blue.webp'), { r: 30, g: 40, b: 210 }, 'webp');
  const rows = [
    ['sku', 'name', 'description', 'category', 'supplier', 'price', 'currency', 'images'],
    [
      'MLK-001',
      'Молоко пастеризованное 3,2%',
      'Свежее коровье молоко',
      'Молочные продукты / Молоко',
      'Ферма',
      '89.90',
      'RUB',
      'img/red.png',
    ],
    [
      'MLK-002',
      'Молоко топлёное',
      'Топлёное молоко в бутылке',
      'Молочные продукты / Молоко',
      'Ферма',
      '119',
      'RUB',
      'img/green.jpg',
    ],
    [
      'KEF-001',
      'Кефир 1%',
      'Кисломолочный напиток из молока',
      'Молочные продукты / Кефир',
      'Ферма',
      '75,50',
      'RUB',
      '',
    ],
    [
      'EN-MILK',
      'Organic whole milk',
      'Fresh milk from grass-fed cows',
      'Dairy / Milk',
      'Green Farm',
      '2.49',
      'EUR',
      'img/blue.webp',
    ],
    [
      'EN-JUICE',
      'Apple juice',
      'Pressed apples, no sugar added',
      'Drinks / Juice',
      'Orchard Ltd',
      '3.10',
      'EUR',
      'img/red.png|img/green.jpg',
    ],
    ['EN-RUN', 'Running shoes', 'Lightweight shoes for runners', 'Sport', 'Orchard Ltd', '59.00', 'EUR', ''],
    ['BRD-1', 'Хлеб ржаной', 'Ржаной хлеб на закваске', 'Выпечка', 'Пекарня №1', '55', 'RUB', ''],
  ];
  const csv = rows
    .map((r) => r.map((v) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)).join(','))
    .join('\n');
  const file = path.join(dir, 'catalog.csv');
  await fs.writeFile(file, csv + '\n');
  return file;
}

/** Many near-identical products for pagination. */
export async function writeManyProducts(dir: string, count: number): Promise<string> {
  const lines = ['sku,name,category,price,currency'];
  for (let i = 1; i <= count; i++) {
    lines.push(
      `P-${String(i).padStart(3, '0')},Product ${String(i).padStart(3, '0')},${i % 2 ? 'Odd' : 'Even'},${i},RUB`,
    );
  }
  const file = path.join(dir, 'many.csv');
  await fs.writeFile(file, lines.join('\n'));
  return file;
}
