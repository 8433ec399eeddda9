import fs from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';

/** An image with a coloured square on a background: layouts and colours the fake embedder tells apart. */
export async function squareImage(
  fg: { r: number; g: number; b: number },
  bg: { r: number; g: number; b: number },
  size = 96,
  format: 'png' | 'jpeg' = 'png',
): Promise<Buffer> {
  const inner = await sharp({ create: { width: size / 2, height: size / 2, channels: 3, background: fg } })
    .png()
    .toBuffer();
  return sharp({ create: { width: size, height: size, channels: 3, background: bg } })
    .composite([{ input: inner, top: size / 4, left: size / 4 }])
    .toFormat(format)
    .toBuffer();
}

/**
 * 30 "red" products in two categories (so a photo search has pages and a filter to apply within)
 * and 10 "blue" ones. Prices rise with the index.
 */
export async function writeSearchCatalog(dir: string, products = 40): Promise<string> {
  const lines = ['sku,name,category,price,currency,images'];
  for (let i = 0; i < products; i++) {
    const red = i < Math.round(products * 0.75);
    const shade = (i % 30) * 2;
    const img = red
      ? await squareImage({ r: 200 + (shade % 50), g: 20 + shade, b: 20 }, { r: 250, g: 250, b: 250 })
      : await squareImage({ r: 20, g: 30 + shade, b: 200 }, { r: 10, g: 10, b: 10 });
    await fs.writeFile(path.join(dir, `p${i}.png`), img);
    const category = red ? (i % 2 ? 'Red / Odd' : 'Red / Even') : 'Blue';
    lines.push(`R-${i},${red ? 'Red' : 'Blue'} thing ${i},${category},${i + 1},RUB,p${i}.png`);
  }
  const file = path.join(dir, 'search.csv');
  await fs.writeFile(file, lines.join('\n'));
  return file;
}
