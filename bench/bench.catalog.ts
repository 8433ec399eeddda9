/**
 * Benchmark catalogs built from the shared grocery photos (never committed: bench/.data is ignored).
 *
 * Catalog: the 2,640 train photos repeated with small random crops, flips, scale and colour changes
 * until there are `count` images, each a distinct JPEG (sha256 checked), plus catalog.csv for
 * `vitrina import`. Products have 3 images each: image j is variant floor(j / 2640) of train photo
 * j mod 2640, and product p holds images 3p..3p+2, i.e. three neighbouring photos of one round, which
 * in the dataset's order are nearly always the same kind of grocery (like a product's photo set).
 *
 * Queries: the 296 val photos are held out of the catalog; the search benchmark also gets ~1 MP
 * upscaled variants of them (distinct bytes, so the server's query-embedding cache never hits).
 */
import crypto from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { BENCH_DATA_DIR, SHARED_DIR } from './bench.models.ts';
import { seededRandom } from './bench.util.ts';

export const GROCERY_DIR = path.join(SHARED_DIR, 'datasets', 'grocery-store');
export const CATALOG_SIZE = 13_350;
export const IMAGES_PER_PRODUCT = 3;
const CATALOG_VERSION = 1;

export interface ManifestRow {
  path: string;
  label: string;
  classId: number;
  coarseLabel: string;
  split: 'train' | 'val' | 'iconic';
  width: number;
  height: number;
}

export function readManifest(): ManifestRow[] {
  const [, ...lines] = readFileSync(path.join(GROCERY_DIR, 'manifest.csv'), 'utf8').trim().split(/\r?\n/);
  return lines.map((line) => {
    const f = line.split(','); // the manifest has no quoted fields
    return {
      path: path.join(GROCERY_DIR, f[0] ?? ''),
      label: f[1] ?? '',
      classId: Number(f[2]),
      coarseLabel: f[3] ?? '',
      split: f[5] as ManifestRow['split'],
      width: Number(f[7]),
      height: Number(f[8]),
    };
  });
}

export interface CatalogImage {
  /** absolute path of the generated JPEG */
  file: string;
  /** index in the catalog, 0-based */
  index: number;
  product: number;
  source: ManifestRow;
}

export interface Catalog {
  dir: string;
  images: CatalogImage[];
  /** CSV (written on first use) with the products holding the first n images */
  csvFor(n: number): string;
}

interface CatalogMeta {
  version: number;
  count: number;
  files: string[];
}

const csvCell = (s: string) => (/[",\n|]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** Builds the catalog once into bench/.data/catalog-<count>/ and returns it (cached afterwards). */
export async function ensureCatalog(
  count = CATALOG_SIZE,
  log: (m: string) => void = () => {},
): Promise<Catalog> {
  const dir = path.join(BENCH_DATA_DIR, `catalog-${count}`);
  const metaPath = path.join(dir, 'catalog.json');
  const train = readManifest().filter((r) => r.split === 'train');
  if (train.length === 0) throw new Error(`no train photos in ${GROCERY_DIR}/manifest.csv`);
  const plan = Array.from({ length: count }, (_, index) => {
    const round = Math.floor(index / train.length);
    const source = train[index % train.length] as ManifestRow;
    const rel = path.join(
      'images',
      `r${round}`,
      `${String(index % train.length).padStart(4, '0')}-${path.basename(source.path)}`,
    );
    return { index, round, source, rel, product: Math.floor(index / IMAGES_PER_PRODUCT) };
  });

  let meta: CatalogMeta | undefined;
  try {
    meta = JSON.parse(readFileSync(metaPath, 'utf8')) as CatalogMeta;
  } catch {
    meta = undefined;
  }
  const cached =
    meta?.version === CATALOG_VERSION &&
    meta.count === count &&
    plan.every((p, i) => meta.files[i] === p.rel && existsSync(path.join(dir, p.rel)));

  if (!cached) {
    log(`building ${count}-image catalog in ${path.relative(process.cwd(), dir)} (once)`);
    const started = performance.now();
    const seen = new Map<string, number>();
    let done = 0;
    let next = 0;
    const worker = async () => {
      while (next < plan.length) {
        const p = plan[next++]!;
        const target = path.join(dir, p.rel);
        mkdirSync(path.dirname(target), { recursive: true });
        // a collision is astronomically unlikely; another seed fixes it if it ever happens
        for (let attempt = 0; ; attempt++) {
          const bytes = await augment(p.source, p.index * 7919 + attempt * 104729 + 1);
          const sha = crypto.createHash('sha256').update(bytes).digest('hex');
          if (seen.has(sha) && seen.get(sha) !== p.index) continue;
          seen.set(sha, p.index);
          writeFileSync(target, bytes);
          break;
        }
        if (++done % 1000 === 0) log(`  ${done}/${plan.length} images`);
      }
    };
    await Promise.all(Array.from({ length: 4 }, worker));
    if (seen.size !== plan.length)
      throw new Error(`catalog has ${seen.size} distinct files, not ${plan.length}`);
    const tmp = `${metaPath}.tmp`;
    writeFileSync(
      tmp,
      JSON.stringify({
        version: CATALOG_VERSION,
        count,
        files: plan.map((p) => p.rel),
      } satisfies CatalogMeta),
    );
    renameSync(tmp, metaPath);
    log(`  built in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  }

  const images: CatalogImage[] = plan.map((p) => ({
    file: path.join(dir, p.rel),
    index: p.index,
    product: p.product,
    source: p.source,
  }));

  return {
    dir,
    images,
    csvFor(n: number) {
      const take = images.slice(0, Math.min(n, images.length));
      const file = path.join(
        dir,
        take.length === images.length ? 'catalog.csv' : `catalog-first-${take.length}.csv`,
      );
      if (existsSync(file)) return file;
      const byProduct = new Map<number, CatalogImage[]>();
      for (const img of take) byProduct.set(img.product, [...(byProduct.get(img.product) ?? []), img]);
      const rows = ['sku,name,description,category,price,currency,images'];
      for (const [product, imgs] of byProduct) {
        const first = imgs[0]!.source;
        const rng = seededRandom(product + 17);
        rows.push(
          [
            `BENCH-${String(product).padStart(5, '0')}`,
            `${first.label.replace(/-/g, ' ')} #${product}`,
            `Benchmark product ${product}: ${first.label} (${first.coarseLabel}), ${imgs.length} photos`,
            first.coarseLabel,
            (49 + Math.floor(rng() * 950)).toFixed(2),
            'RUB',
            imgs.map((i) => path.relative(dir, i.file).split(path.sep).join('/')).join('|'),
          ]
            .map(csvCell)
            .join(','),
        );
      }
      writeFileSync(file, rows.join('\n') + '\n');
      return file;
    },
  };
}

/**
 * One variant of a photo: crop to 85-98% of each side at a random offset, mirror half of the time,
 * scale the short side to 300-400 px, brightness/saturation ±8%, hue ±6°, JPEG quality 85-93.
 */
async function augment(source: ManifestRow, seed: number): Promise<Buffer> {
  const rng = seededRandom(seed);
  const between = (a: number, b: number) => a + (b - a) * rng();
  const w = Math.round(source.width * between(0.85, 0.98));
  const h = Math.round(source.height * between(0.85, 0.98));
  const left = Math.floor(rng() * (source.width - w + 1));
  const top = Math.floor(rng() * (source.height - h + 1));
  const short = Math.round(between(300, 400));
  let img = sharp(source.path).extract({ left, top, width: w, height: h });
  if (rng() < 0.5) img = img.flop();
  return img
    .resize(w <= h ? { width: short } : { height: short })
    .modulate({
      brightness: between(0.92, 1.08),
      saturation: between(0.92, 1.08),
      hue: Math.round(between(-6, 6)),
    })
    .jpeg({ quality: Math.round(between(85, 93)) })
    .toBuffer();
}

/** `n` val photos spread evenly over the 296 (all classes), in a fixed order. */
export function valPhotos(n: number): ManifestRow[] {
  const val = readManifest().filter((r) => r.split === 'val');
  if (n > val.length) throw new Error(`only ${val.length} val photos, asked for ${n}`);
  return Array.from({ length: n }, (_, i) => val[Math.floor((i * val.length) / n)] as ManifestRow);
}

/**
 * `n` distinct ~1 MP JPEG queries (1000x1000, q90 4:2:0 like a phone photo) made from the val photos:
 * variant v of a photo is cropped a few pixels differently and mirrored on odd v. Made once.
 */
export async function ensureQueryImages(n: number, log: (m: string) => void = () => {}): Promise<string[]> {
  const val = readManifest().filter((r) => r.split === 'val');
  const dir = path.join(BENCH_DATA_DIR, 'queries-1mp');
  mkdirSync(dir, { recursive: true });
  const out: string[] = [];
  let made = 0;
  for (let i = 0; i < n; i++) {
    const v = Math.floor(i / val.length);
    const src = val[i % val.length] as ManifestRow;
    const file = path.join(dir, `v${v}-${path.basename(src.path)}`);
    if (!existsSync(file)) {
      const inset = 2 * v;
      let img = sharp(src.path).extract({
        left: inset,
        top: inset,
        width: src.width - 2 * inset,
        height: src.height - 2 * inset,
      });
      if (v % 2 === 1) img = img.flop();
      const bytes = await img
        .resize(1000, 1000, { kernel: 'lanczos3', fit: 'fill' })
        .jpeg({ quality: 90, chromaSubsampling: '4:2:0' })
        .toBuffer();
      writeFileSync(`${file}.tmp`, bytes);
      renameSync(`${file}.tmp`, file);
      made++;
    }
    out.push(file);
  }
  if (made) log(`made ${made} ~1 MP query images in ${path.relative(process.cwd(), dir)}`);
  return out;
}
