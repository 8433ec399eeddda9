import fs from 'node:fs';
import path from 'node:path';

/**
 * The background gallery: images of things that are not products, read at run time from Debian
 * packages (never copied into the project). Photos and renders (wallpapers) and drawings and cut-outs
 * of everyday things (Tux Paint's stamps), so that both a cluttered photo and a clip art on white have
 * unrelated look-alikes to be measured against. `apt-get install` them; with none installed the
 * default threshold falls back to the catalog's impostor calibration.
 *
 * Kept apart from the eval's negatives (gnome-backgrounds, ukui-wallpapers, openclipart-png), so
 * `vitrina eval` measures "nothing similar" on images the gallery has never seen.
 */
export const BACKGROUND_PACKAGES = [
  'mate-backgrounds',
  'plasma-workspace-wallpapers',
  'lomiri-wallpapers',
  'lomiri-wallpapers-16.04',
  'lomiri-wallpapers-20.04',
  'sway-backgrounds',
  'xfdesktop4-data',
  'tuxpaint-stamps-default',
] as const;

const IMAGE = /\.(jpe?g|png|webp)$/i;
/** wallpaper packages ship one picture at many sizes (contents/images/1920x1080.png …) */
const SIZED = /^(\d+)x(\d+)\.[a-z]+$/i;

export interface BackgroundFile {
  path: string;
  /** path, size and mtime: a changed file gets a new vector, an unchanged one is not read again */
  key: string;
}

/** The gallery's files: those of BACKGROUND_DIR when set, else of the installed Debian packages. */
export function backgroundFiles(
  options: { dir?: string | undefined; dpkgInfo?: string } = {},
): BackgroundFile[] {
  const paths = options.dir
    ? walk(options.dir)
    : BACKGROUND_PACKAGES.flatMap((name) => packageFiles(options.dpkgInfo ?? '/var/lib/dpkg/info', name));
  return oneSizeEach(paths.filter((p) => IMAGE.test(p)))
    .sort()
    .flatMap((p) => {
      try {
        const st = fs.statSync(p);
        return st.isFile() ? [{ path: p, key: `${p}:${st.size}:${Math.round(st.mtimeMs)}` }] : [];
      } catch {
        return [];
      }
    });
}

function packageFiles(dpkgInfo: string, name: string): string[] {
  try {
    return fs
      .readFileSync(path.join(dpkgInfo, `${name}.list`), 'utf8')
      .split('\n')
      .filter(Boolean);
  } catch {
    return [];
  }
}

function walk(dir: string): string[] {
  try {
    return fs
      .readdirSync(dir, { withFileTypes: true })
      .flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
  } catch {
    return [];
  }
}

/** Of a folder's WxH-named copies of one picture, the smallest (fastest to decode). */
function oneSizeEach(paths: string[]): string[] {
  const smallest = new Map<string, { path: string; pixels: number }>();
  const out: string[] = [];
  for (const p of paths) {
    const m = SIZED.exec(path.basename(p));
    if (!m) {
      out.push(p);
      continue;
    }
    const pixels = Number(m[1]) * Number(m[2]);
    const dir = path.dirname(p);
    const best = smallest.get(dir);
    if (!best || pixels < best.pixels) smallest.set(dir, { path: p, pixels });
  }
  return [...out, ...[...smallest.values()].map((s) => s.path)];
}
