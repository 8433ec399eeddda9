import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  createProgressBar,
  createProgressLog,
  formatBytes,
  formatDuration,
  formatProgressLine,
} from '../../src/embedding/download.progress.ts';
import type { DownloadProgress } from '../../src/embedding/model.download.ts';

const event = (over: Partial<DownloadProgress>): DownloadProgress => ({
  type: 'progress',
  file: 'onnx/vision_model_quantized.onnx',
  bytes: 44_558_500,
  total: 89_117_001,
  bytesPerSecond: 12_300_000,
  etaSeconds: 3.6,
  ...over,
});

describe('download progress rendering', () => {
  it('formats bytes, rate and ETA', () => {
    assert.equal(
      formatProgressLine(event({})),
      'onnx/vision_model_quantized.onnx  [############------------] 49%  44.6 MB / 89.1 MB  12.3 MB/s  ETA 0:04',
    );
  });

  it('copes with an unknown total', () => {
    assert.equal(
      formatProgressLine(event({ total: undefined, etaSeconds: undefined })),
      'onnx/vision_model_quantized.onnx  44.6 MB  12.3 MB/s  ETA --:--',
    );
  });

  it('redraws one terminal line and ends it when the file is done', () => {
    const out: string[] = [];
    const bar = createProgressBar((chunk) => out.push(chunk));
    bar(event({ type: 'start', bytes: 0 }));
    bar(event({}));
    bar(event({ type: 'done', bytes: 89_117_001, etaSeconds: 0 }));
    assert.ok(
      out.every((chunk) => chunk.startsWith('\r\x1b[2K')),
      'each draw returns to the line start',
    );
    assert.equal(out.filter((chunk) => chunk.includes('\n')).length, 1);
    assert.ok(out[2]!.endsWith('100%  89.1 MB / 89.1 MB  12.3 MB/s  done\n'), JSON.stringify(out[2]));
  });

  it('logs only start and done lines for non-terminals', () => {
    const lines: string[] = [];
    const log = createProgressLog((line) => lines.push(line));
    log(event({ type: 'start', bytes: 0 }));
    log(event({}));
    log(event({ type: 'done', bytes: 89_117_001 }));
    assert.deepEqual(lines, [
      'downloading onnx/vision_model_quantized.onnx (89.1 MB)',
      'downloaded onnx/vision_model_quantized.onnx (89.1 MB, 12.3 MB/s)',
    ]);
  });

  it('formats sizes and durations', () => {
    assert.equal(formatBytes(999), '999 B');
    assert.equal(formatBytes(1_500), '1.5 kB');
    assert.equal(formatBytes(2_000_000_000), '2.0 GB');
    assert.equal(formatDuration(0.2), '0:01');
    assert.equal(formatDuration(75), '1:15');
    assert.equal(formatDuration(3_725), '1:02:05');
    assert.equal(formatDuration(undefined), '--:--');
  });
});
