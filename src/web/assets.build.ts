import fs from 'node:fs/promises';
import path from 'node:path';
import postcss from 'postcss';
import tailwindcss from 'tailwindcss';

const webDir = import.meta.dirname;
const root = path.resolve(webDir, '../..');
export const cssPath = path.join(webDir, 'assets', 'app.css');

/**
 * Compiles Tailwind when app.css is missing or older than the views, so `npm start` on a fresh
 * clone needs no separate build step. Takes about a second, once.
 */
export async function ensureCss(): Promise<void> {
  const sources = await listSources(webDir);
  const newest = Math.max(...(await Promise.all(sources.map(async (f) => (await fs.stat(f)).mtimeMs))));
  const built = await fs.stat(cssPath).then(
    (s) => s.mtimeMs,
    () => 0,
  );
  if (built >= newest) return;
  const input = await fs.readFile(path.join(webDir, 'assets', 'styles.css'), 'utf8');
  const config = (await import(path.join(root, 'tailwind.config.cjs'))) as {
    default: import('tailwindcss').Config;
  };
  const result = await postcss([tailwindcss(config.default)]).process(input, { from: undefined });
  const temp = `${cssPath}.${process.pid}.tmp`;
  await fs.writeFile(temp, result.css);
  await fs.rename(temp, cssPath);
}

async function listSources(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && /\.(ts|js)$|styles\.css$/.test(e.name))
    .map((e) => path.join(e.parentPath, e.name))
    .concat(path.join(root, 'tailwind.config.cjs'));
}
