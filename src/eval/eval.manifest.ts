import fs from 'node:fs/promises';
import path from 'node:path';
import { parseCsv } from '../catalog/csv.parse.ts';
import { appError } from '../errors/app-error.ts';

export interface ManifestRow {
  path: string;
  group: string;
  role: 'catalog' | 'query';
}

async function readTable(file: string, required: string[]) {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch {
    throw appError('EVAL_MANIFEST_UNREADABLE', { file });
  }
  const [header, ...records] = parseCsv(text);
  const columns = header?.fields.map((c) => c.trim().toLowerCase()) ?? [];
  for (const c of required) {
    if (!columns.includes(c))
      throw appError('EVAL_MANIFEST_INVALID', {
        details: `${file}: no "${c}" column (need ${required.join(', ')})`,
      });
  }
  const base = path.dirname(path.resolve(file));
  return records.map((r) => {
    const row = Object.fromEntries(columns.map((c, i) => [c, (r.fields[i] ?? '').trim()]));
    return { line: r.line, row, resolve: (p: string) => path.resolve(base, p) };
  });
}

/** path, group, role (catalog | query); paths relative to the manifest. */
export async function readManifest(file: string): Promise<ManifestRow[]> {
  const rows = await readTable(file, ['path', 'group', 'role']);
  const out = rows.map(({ line, row, resolve }) => {
    if (!row.path || !row.group)
      throw appError('EVAL_MANIFEST_INVALID', {
        details: `${file} line ${line}: path and group are required`,
      });
    if (row.role !== 'catalog' && row.role !== 'query') {
      throw appError('EVAL_MANIFEST_INVALID', {
        details: `${file} line ${line}: role must be "catalog" or "query", not "${row.role}"`,
      });
    }
    return { path: resolve(row.path), group: row.group, role: row.role as ManifestRow['role'] };
  });
  const groups = new Set(out.filter((r) => r.role === 'catalog').map((r) => r.group));
  const orphan = out.find((r) => r.role === 'query' && !groups.has(r.group));
  if (orphan)
    throw appError('EVAL_MANIFEST_INVALID', {
      details: `${file}: query group "${orphan.group}" has no catalog image`,
    });
  if (!out.some((r) => r.role === 'query'))
    throw appError('EVAL_MANIFEST_INVALID', { details: `${file}: no query rows` });
  return out;
}

/** Images of things not in the catalog: a `path` column, relative to the file. */
export async function readNegatives(file: string): Promise<string[]> {
  return (await readTable(file, ['path']))
    .filter(({ row }) => row.path)
    .map(({ row, resolve }) => resolve(row.path!));
}
