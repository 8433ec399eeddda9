// Writes the eval manifests for the Grocery Store dataset (../shared/datasets/grocery-store) and a
// negatives list from Debian packages (apt-get install gnome-backgrounds ukui-wallpapers openclipart-png).
// Paths are relative to this folder, so the manifests work from any clone with shared/ beside it.
// The well-framed queries (catalog shots re-shot: light photometric and framing changes) are
// generated into eval/.generated/ (git-ignored), deterministically.
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';

const here = import.meta.dirname;
const dataset = path.resolve(here, '../../shared/datasets/grocery-store');
const rel = (p: string) => path.relative(here, p);
const rows = fs
  .readFileSync(path.join(dataset, 'manifest.csv'), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((l) => l.split(','));
const line = (p: string, group: string, role: string) => `${rel(path.join(dataset, p))},${group},${role}`;

// photo → catalog: the 81 iconic shots are the catalog, the val photos the queries (group = class id)
const toCatalog = [
  'path,group,role',
  ...rows.filter((r) => r[5] === 'iconic').map((r) => line(r[0]!, r[2]!, 'catalog')),
  ...rows.filter((r) => r[5] === 'val').map((r) => line(r[0]!, r[2]!, 'query')),
];
fs.writeFileSync(path.join(here, 'grocery-photo-to-catalog.csv'), toCatalog.join('\n') + '\n');

// photo → photo: the train photos are the catalog
const toPhoto = [
  'path,group,role',
  ...rows.filter((r) => r[5] === 'train').map((r) => line(r[0]!, r[2]!, 'catalog')),
  ...rows.filter((r) => r[5] === 'val').map((r) => line(r[0]!, r[2]!, 'query')),
];
fs.writeFileSync(path.join(here, 'grocery-photo-to-photo.csv'), toPhoto.join('\n') + '\n');

// well-framed: every catalog shot "re-shot" three times — a slightly different framing (the product
// stays whole), a small rotation, other light and colour, JPEG at another size — as a supplier's or
// a user's clean product photo would differ from the catalog's. Queries against the catalog shots
// (framed → catalog) and against the store photos (framed → photo).
let jitterSeed = 11;
const jitter = () => (jitterSeed = (jitterSeed * 1103515245 + 12345) % 2147483648) / 2147483648;
const between = (a: number, b: number) => a + (b - a) * jitter();
const generated = path.join(here, '.generated', 'framed');
fs.mkdirSync(generated, { recursive: true });
const iconic = rows.filter((r) => r[5] === 'iconic');
const framed: { file: string; group: string }[] = [];
for (const r of iconic) {
  for (let k = 0; k < 3; k++) {
    const file = path.join(generated, `${r[2]}-${k}.jpg`);
    const params = {
      keep: between(0.86, 1),
      dx: jitter(),
      dy: jitter(),
      angle: between(-5, 5),
      brightness: between(0.85, 1.15),
      saturation: between(0.8, 1.2),
      hue: Math.round(between(-8, 8)),
      size: Math.round(between(240, 480)),
      quality: Math.round(between(70, 90)),
    };
    if (!fs.existsSync(file)) {
      const source = path.join(dataset, r[0]!);
      const meta = await sharp(source).metadata();
      const w = Math.round(meta.width! * params.keep);
      const h = Math.round(meta.height! * params.keep);
      await sharp(source)
        .extract({
          left: Math.floor((meta.width! - w) * params.dx),
          top: Math.floor((meta.height! - h) * params.dy),
          width: w,
          height: h,
        })
        .rotate(params.angle, { background: '#ffffff' })
        .modulate({ brightness: params.brightness, saturation: params.saturation, hue: params.hue })
        .resize(params.size, params.size, { fit: 'inside' })
        .jpeg({ quality: params.quality })
        .toFile(file);
    }
    framed.push({ file, group: r[2]! });
  }
}
const framedToCatalog = [
  'path,group,role',
  ...iconic.map((r) => line(r[0]!, r[2]!, 'catalog')),
  ...framed.map((f) => `${rel(f.file)},${f.group},query`),
];
fs.writeFileSync(path.join(here, 'grocery-framed-to-catalog.csv'), framedToCatalog.join('\n') + '\n');
const framedToPhoto = [
  'path,group,role',
  ...rows.filter((r) => r[5] === 'train').map((r) => line(r[0]!, r[2]!, 'catalog')),
  ...framed.map((f) => `${rel(f.file)},${f.group},query`),
];
fs.writeFileSync(path.join(here, 'grocery-framed-to-photo.csv'), framedToPhoto.join('\n') + '\n');

// negatives: wallpapers (photos and renders) and a fixed pseudo-random sample of clip art
const walk = (d: string): string[] =>
  fs.existsSync(d)
    ? fs
        .readdirSync(d, { withFileTypes: true })
        .flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]))
    : [];
// by package, not by folder: other wallpaper packages (the background gallery's) share /usr/share/backgrounds
const packageFiles = (name: string): string[] => {
  const list = `/var/lib/dpkg/info/${name}.list`;
  return fs.existsSync(list) ? fs.readFileSync(list, 'utf8').trim().split('\n') : [];
};
const walls = ['gnome-backgrounds', 'ukui-wallpapers']
  .flatMap(packageFiles)
  .filter((f) => /\.(jpg|jpeg|png|webp)$/i.test(f) && fs.existsSync(f))
  .sort();
const clipart = walk('/usr/share/openclipart/png')
  .filter((f) => f.endsWith('.png'))
  .sort();
let seed = 7;
const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
const sample = clipart.filter(() => random() < 160 / Math.max(1, clipart.length));
fs.writeFileSync(path.join(here, 'negatives-debian.csv'), ['path', ...walls, ...sample].join('\n') + '\n');
console.log(
  `photo→catalog ${toCatalog.length - 1} rows, photo→photo ${toPhoto.length - 1} rows, ` +
    `framed→catalog ${framedToCatalog.length - 1} rows, framed→photo ${framedToPhoto.length - 1} rows, ` +
    `negatives ${walls.length + sample.length}`,
);
