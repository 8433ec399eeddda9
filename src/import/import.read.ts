import {
  detectFormat,
  readCsvTable,
  readJsonLinesTable,
  type ImportFormat,
  type ImportTable,
} from './import.table.ts';
import { readXlsxTable } from './xlsx.read.ts';

/** A supplier file as a table, whatever its format: decided by its content, not its name. */
export async function readImportTable(
  bytes: Buffer,
  options: { name: string; sheet?: string | undefined; format?: ImportFormat | undefined },
): Promise<ImportTable> {
  const format = options.format ?? detectFormat(bytes.subarray(0, 4096), options.name);
  if (format === 'xlsx') return readXlsxTable(bytes, options);
  if (format === 'jsonl') return readJsonLinesTable(bytes, options.name);
  return readCsvTable(bytes, options.name);
}
