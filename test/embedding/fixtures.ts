import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { loadConfig } from '../../src/config/config.load.ts';
import type { AppConfig } from '../../src/config/config.schema.ts';

/** The repository's parent holds shared/ (models and data sets read in place, never copied). */
export const SHARED_DIR = path.resolve(import.meta.dirname, '../../../shared');
export const CLIP_SHARED_DIR = path.join(SHARED_DIR, 'models/clip-vit-base-patch32');
export const MOBILENET_DIR = path.join(SHARED_DIR, 'models/mobilenetv2-12-int8');
const GROCERY = path.join(SHARED_DIR, 'datasets/grocery-store/dataset');

/** A few grocery-store photos: two store photos of one product and photos of clearly different ones. */
export const PHOTOS = {
  /** 348x348 store photos */
  apple1: path.join(GROCERY, 'val/Fruit/Apple/Granny-Smith/Granny-Smith_003.jpg'),
  apple2: path.join(GROCERY, 'val/Fruit/Apple/Granny-Smith/Granny-Smith_005.jpg'),
  milk: path.join(GROCERY, 'val/Packages/Milk/Arla-Standard-Milk/Arla-Standard-Milk_001.jpg'),
  tomato: path.join(GROCERY, 'val/Vegetables/Tomato/Vine-Tomato/Vine-Tomato_002.jpg'),
  /** 198x198 catalog shot (upscaled by CLIP preprocessing) */
  asparagusIconic: path.join(
    GROCERY,
    'iconic-images-and-descriptions/Vegetables/Asparagus/Asparagus_Iconic.jpg',
  ),
  /** 348x464 portrait */
  portrait: path.join(GROCERY, 'train/Fruit/Apple/Golden-Delicious/Golden-Delicious_007.jpg'),
};

export async function tempDir(
  t: TestContext | { after(fn: () => Promise<void>): void },
  prefix = 'vitrina-emb-',
) {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  return dir;
}

/** The real config loader with a test environment: nothing from the developer's shell leaks in. */
export function testConfig(
  env: Record<string, string | undefined>,
  overrides: Partial<AppConfig> = {},
): AppConfig {
  const clean = Object.fromEntries(
    Object.entries(env).filter((kv): kv is [string, string] => kv[1] !== undefined),
  );
  return loadConfig({ ORT_THREADS: '2', BACKGROUND_DIR: 'none', ...clean }, overrides);
}
