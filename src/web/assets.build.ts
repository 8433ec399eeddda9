import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import postcss from 'postcss';
import tailwindcss from 'tailwindcss';

const webDir = import.meta.dirname;
const root = path.resolve(webDir, '../..');
export const assetsDir = path.join(webDir, 'assets');
export const cssPath = path.join(assetsDir, 'app.css');

/**
 * The compiled stylesheet. `npm run build:css` writes it when the package is installed or packed
 * (the prepare script); an install may be read-only, so the server never writes it. A checkout
 * whose views changed since that build gets a fresh compile in memory instead (about a second).
 */
export async function loadCss(): Promise<string> {
  const built = await fs.stat(cssPath).then(
    (s) => s.mtimeMs,
    () => 0,
  );
  if (built > 0 && built >= (await newestSource())) return fs.readFile(cssPath, 'utf8');
  const input = await fs.readFile(path.join(assetsDir, 'styles.css'), 'utf8');
  const config = (await import(path.join(root, 'tailwind.config.cjs'))) as {
    default: import('tailwindcss').Config;
  };
  const result = await postcss([tailwindcss(config.default)]).process(input, { from: undefined });
  return result.css;
}

/** Where a dependency's browser files are, wherever the package manager put it (nested or hoisted). */
export function packageDir(name: string): string {
  return path.dirname(createRequire(import.meta.url).resolve(`${name}/package.json`));
}

async function newestSource(): Promise<number> {
  const entries = await fs.readdir(webDir, { withFileTypes: true, recursive: true });
  const files = entries
    .filter((e) => e.isFile() && /\.(ts|js)$|styles\.css$/.test(e.name))
    .map((e) => path.join(e.parentPath, e.name))
    .concat(path.join(root, 'tailwind.config.cjs'));
  const times = await Promise.all(files.map(async (f) => (await fs.stat(f)).mtimeMs));
  return Math.max(...times);
}
