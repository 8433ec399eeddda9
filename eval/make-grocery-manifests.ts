// Writes the eval manifests for the Grocery Store dataset (../shared/datasets/grocery-store) and a
// negatives list from Debian packages (apt-get install gnome-backgrounds ukui-wallpapers openclipart-png).
// Paths are relative to this folder, so the manifests work from any clone with shared/ beside it.
import fs from 'node:fs';
import path from 'node:path';

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

// negatives: wallpapers (photos and renders) and a fixed pseudo-random sample of clip art
const walk = (d: string): string[] =>
  fs.existsSync(d)
    ? fs
        .readdirSync(d, { withFileTypes: true })
        .flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]))
    : [];
const walls = walk('/usr/share/backgrounds')
  .filter((f) => /\.(jpg|jpeg|png|webp)$/i.test(f))
  .sort();
const clipart = walk('/usr/share/openclipart/png')
  .filter((f) => f.endsWith('.png'))
  .sort();
let seed = 7;
const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
const sample = clipart.filter(() => random() < 160 / Math.max(1, clipart.length));
fs.writeFileSync(path.join(here, 'negatives-debian.csv'), ['path', ...walls, ...sample].join('\n') + '\n');
console.log(
  `photo→catalog ${toCatalog.length - 1} rows, photo→photo ${toPhoto.length - 1} rows, negatives ${walls.length + sample.length}`,
);
