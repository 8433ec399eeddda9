import { formatDuration } from '../embedding/download.progress.ts';
import type { IndexProgress } from './indexer.service.ts';

const BAR_WIDTH = 28;

export function formatIndexProgress(p: IndexProgress): string {
  const fraction = p.total ? p.done / p.total : 1;
  const filled = Math.round(fraction * BAR_WIDTH);
  return [
    `indexing ${p.model}`,
    `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}]`,
    `${p.done}/${p.total}`,
    `${p.imagesPerSecond.toFixed(1)} img/s`,
    p.failed ? `${p.failed} failed` : '',
    `ETA ${formatDuration(p.etaSeconds ?? undefined)}`,
  ]
    .filter(Boolean)
    .join('  ');
}

/** A bar redrawn in place on a terminal; elsewhere (logs, CI) one line every `every` images. */
export function createIndexProgressReporter(io: { isTty: boolean; write(chunk: string): void }, every = 500) {
  let lastLogged = -1;
  return (p: IndexProgress) => {
    if (io.isTty) {
      io.write(`\r\x1b[2K${formatIndexProgress(p)}${p.done === p.total ? '\n' : ''}`);
      return;
    }
    const bucket = Math.floor(p.done / every);
    if (bucket !== lastLogged && (p.done > 0 || p.total === 0)) {
      lastLogged = bucket;
      io.write(`${formatIndexProgress(p)}\n`);
    }
  };
}
