// Reads a supplier file into a table off the main thread. Plain JS: worker threads do not inherit
// the tsx loader, so it is registered here before the TypeScript reader is loaded.
//
// exceljs parses a workbook's XML synchronously in long stretches: on the web process's main
// thread a 10,000-row workbook stalled every request for ~2 s.
import { Buffer } from 'node:buffer';
import { parentPort } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { readImportTable, tableToTransfer, errorToTransfer } = await import('./import.read.ts');

parentPort.on('message', async ({ id, bytes, options }) => {
  try {
    const table = await readImportTable(Buffer.from(bytes), options);
    parentPort.postMessage({ id, ok: true, table: tableToTransfer(table) });
  } catch (error) {
    parentPort.postMessage({ id, ok: false, error: errorToTransfer(error) });
  }
});
