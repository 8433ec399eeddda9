import fs from 'node:fs/promises';
import path from 'node:path';
import { groceryDir } from './test-env.ts';

export interface PhotoProduct {
  sku: string;
  name: string;
  /** the dataset's coarse class (Apple, Milk…): several products share one */
  category: string;
  price: number;
  /** absolute paths of the product's photos in the shared dataset */
  photos: string[];
}

interface ManifestRow {
  file: string;
  label: string;
  coarse: string;
}

async function trainRows(): Promise<ManifestRow[]> {
  const lines = (await fs.readFile(path.join(groceryDir, 'manifest.csv'), 'utf8'))
    .trim()
    .split('\n')
    .slice(1);
  return lines
    .map((l) => l.split(','))
    .filter((f) => f[5] === 'train')
    .map((f) => ({ file: path.join(groceryDir, f[0]!), label: f[1]!, coarse: f[3]! }));
}

/**
 * Store photos from the shared Grocery Store dataset (read at run time) as a catalog file for
 * `vitrina import`. `byClass`: one product per fine class of the named coarse classes, each with
 * `photosPerProduct` of that class's photos. Otherwise `products` products spread evenly over the
 * whole training set. Prices are 100, 110, 120… roubles in catalog order.
 */
export async function writePhotoCatalog(
  dir: string,
  options: { products?: number; photosPerProduct?: number; byClass?: string[] },
): Promise<{ file: string; products: PhotoProduct[] }> {
  const rows = await trainRows();
  const perProduct = options.photosPerProduct ?? 1;
  const products: PhotoProduct[] = [];
  const add = (name: string, category: string, photos: string[]) =>
    products.push({ sku: `P-${products.length}`, name, category, price: 100 + 10 * products.length, photos });
  if (options.byClass) {
    for (const coarse of options.byClass) {
      const labels = [...new Set(rows.filter((r) => r.coarse === coarse).map((r) => r.label))];
      if (labels.length === 0) throw new Error(`no class ${coarse} in the dataset`);
      for (const label of labels) {
        const photos = rows.filter((r) => r.label === label).slice(0, perProduct);
        add(
          label,
          coarse,
          photos.map((r) => r.file),
        );
      }
    }
  } else {
    const count = options.products ?? 20;
    const step = Math.floor(rows.length / (count * perProduct));
    if (step < 1) throw new Error(`the dataset has fewer than ${count * perProduct} training photos`);
    for (let i = 0; i < count; i++) {
      const photos = Array.from({ length: perProduct }, (_, j) => rows[(i * perProduct + j) * step]!);
      add(
        photos[0]!.label,
        photos[0]!.coarse,
        photos.map((r) => r.file),
      );
    }
  }
  const lines = ['sku,name,category,price,currency,images'];
  for (const p of products)
    lines.push(`${p.sku},${p.name},${p.category},${p.price},RUB,${p.photos.join('|')}`);
  const file = path.join(dir, 'photos.csv');
  await fs.writeFile(file, lines.join('\n'));
  return { file, products };
}
