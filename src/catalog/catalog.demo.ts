import fs from 'node:fs/promises';
import path from 'node:path';
import { appError } from '../errors/app-error.ts';
import { parseCsv } from './csv.parse.ts';
import { demoOffer } from './demo.offers.ts';
import type { RawRow } from './catalog.import.ts';

export const DATASET_HINT =
  'The Grocery Store dataset (Klasson et al., WACV 2019, MIT license) is at ' +
  'https://github.com/marcusklasson/GroceryStoreDataset — clone it and run `npx vitrina demo <path-to-clone>`.';

/** Where the dataset is looked for when no DIR is given: the shared copy beside the project. */
export function defaultDatasetDir(): string {
  return path.resolve(import.meta.dirname, '../../../shared/datasets/grocery-store');
}

/**
 * The 81 iconic products of the Grocery Store dataset as import rows: the Title line of
 * <Fine>_Information.txt as the name, the folders as the category, the iconic photo as the image.
 */
export async function readGroceryDemo(dir: string): Promise<{ rows: RawRow[]; baseDir: string }> {
  const root = await findDatasetRoot(dir);
  const classes = parseCsv(await fs.readFile(path.join(root, 'classes.csv'), 'utf8')).slice(1);
  const rows: RawRow[] = [];
  for (const { line, fields } of classes) {
    const [fine = '', classId = '', , , iconicPath = '', descriptionPath = ''] = fields;
    const iconic = path.join(root, iconicPath);
    const folder = path.dirname(iconic);
    const info = await readInformation(path.join(folder, `${fine}_Information.txt`));
    const description = info.description || (await readText(path.join(root, descriptionPath)));
    const parts = path.relative(path.join(root, 'iconic-images-and-descriptions'), folder).split(path.sep);
    // Fruit/Apple/Golden-Delicious → "Fruit / Apple"; Vegetables/Asparagus → "Vegetables / Asparagus"
    const category = parts.slice(0, 2).join(' / ');
    rows.push({
      line,
      values: {
        sku: `GS-${classId.padStart(3, '0')}`,
        name: info.title || fine.replace(/-/g, ' '),
        description,
        category,
        ...demoOffer(Number(classId), category),
        images: iconic,
        attributes: {
          ...(info.origin ? { origin: info.origin } : {}),
          ...(info.url ? { url: info.url } : {}),
          dataset: 'Grocery Store Dataset (MIT)',
        },
      },
    });
  }
  return { rows, baseDir: root };
}

async function findDatasetRoot(dir: string): Promise<string> {
  for (const candidate of [path.join(dir, 'dataset'), dir]) {
    try {
      await fs.access(path.join(candidate, 'classes.csv'));
      await fs.access(path.join(candidate, 'iconic-images-and-descriptions'));
      return candidate;
    } catch {
      // try the next layout
    }
  }
  throw appError('DEMO_DATASET_MISSING', { dir, hint: DATASET_HINT });
}

async function readText(file: string): Promise<string> {
  try {
    return (await fs.readFile(file, 'utf8')).trim();
  } catch {
    return '';
  }
}

async function readInformation(file: string) {
  const text = await readText(file);
  const field = (name: string) => text.match(new RegExp(`^${name}:\\s*(.*)$`, 'm'))?.[1]?.trim() ?? '';
  return {
    title: field('Title'),
    origin: field('Country and volume'),
    description: field('Description'),
    url: field('URL'),
  };
}
