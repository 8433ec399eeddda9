import type { DownloadProgress, ProgressListener } from './model.download.ts';

const BAR_WIDTH = 24;

/**
 * A one-line bar redrawn in place with "\r" (for a terminal): file, bar, bytes, rate, ETA.
 * Takes a raw `write` because line-based loggers append newlines, which would stack the bar.
 */
export function createProgressBar(write: (chunk: string) => void): ProgressListener {
  return (event) => {
    const line = formatProgressLine(event);
    // "\x1b[2K" clears the previous, possibly longer, line before redrawing.
    write(`\r\x1b[2K${line}${event.type === 'done' ? '\n' : ''}`);
  };
}

/** For logs and non-terminals: one line when a file starts and one when it is done, no redraws. */
export function createProgressLog(log: (line: string) => void): ProgressListener {
  return (event) => {
    if (event.type === 'start') log(`downloading ${event.file} (${formatBytes(event.total)})`);
    if (event.type === 'done') {
      log(`downloaded ${event.file} (${formatBytes(event.bytes)}, ${formatBytes(event.bytesPerSecond)}/s)`);
    }
  };
}

export function formatProgressLine(event: DownloadProgress): string {
  const { file, bytes, total, bytesPerSecond, etaSeconds } = event;
  const fraction = total ? Math.min(1, bytes / total) : 0;
  const filled = Math.round(fraction * BAR_WIDTH);
  const bar = total
    ? `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${Math.floor(fraction * 100)}%`
    : '';
  const amount = total ? `${formatBytes(bytes)} / ${formatBytes(total)}` : formatBytes(bytes);
  const rate = `${formatBytes(bytesPerSecond)}/s`;
  const eta = event.type === 'done' ? 'done' : `ETA ${formatDuration(etaSeconds)}`;
  return [file, bar, amount, rate, eta].filter(Boolean).join('  ');
}

export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined) return 'size unknown';
  const units = ['B', 'kB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? value.toFixed(0) : value.toFixed(1)} ${units[unit]}`;
}

export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return '--:--';
  const total = Math.ceil(seconds);
  const minutes = Math.floor(total / 60);
  const secs = total % 60;
  return minutes >= 60
    ? `${Math.floor(minutes / 60)}:${String(minutes % 60).padStart(2, '0')}:${String(secs).padStart(2, '0')}`
    : `${minutes}:${String(secs).padStart(2, '0')}`;
}

/**
 * The bar on a terminal, start/done lines otherwise. The bar writes to process.stderr directly: it
 * needs "\r" without a newline, which a line-based `err` cannot express.
 */
export function progressForCli(io: { isTty: boolean; err(line: string): void }): ProgressListener {
  return io.isTty
    ? createProgressBar((chunk) => process.stderr.write(chunk))
    : createProgressLog((line) => io.err(line));
}
