// What session.x64quantprecision costs: forward passes of an int8 model with and without it,
// interleaved in one process (a shared machine slows both alike), as a ratio.
//
//   node --import tsx bench/quant/u8s8.speed.ts <int8.onnx> <input> <output> [rounds]
import { acquireSession, EXACT_INT8, type SharedSession } from '../../src/embedding/onnx.session.ts';

const [file, input, output, roundsArg] = process.argv.slice(2);
if (!file || !input || !output) throw new Error('usage: u8s8.speed.ts <int8.onnx> <input> <output> [rounds]');
const batch = 4;
const data = Float32Array.from({ length: batch * 3 * 224 * 224 }, (_, i) => Math.sin(i) * 1.5);
const feeds = { [input]: { type: 'float32' as const, data, dims: [batch, 3, 224, 224] } };
const open = (config: Record<string, string> | undefined) =>
  acquireSession(file, {
    threads: 1,
    ...(config ? { config } : {}),
    warmup: () => feeds,
  });
const sessions: [string, SharedSession][] = [
  ['default', await open(undefined)],
  ['x64quantprecision', await open({ ...EXACT_INT8 })],
];
const times = new Map<string, number[]>(sessions.map(([n]) => [n, []]));
for (let r = 0; r < Number(roundsArg ?? 10); r++) {
  for (const [name, s] of r % 2 ? [...sessions].reverse() : sessions) {
    const t = performance.now();
    await s.run(feeds, output);
    times.get(name)!.push(performance.now() - t);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const base = median(times.get('default')!);
for (const [name, ts] of times)
  console.log(
    `${name}: ${(median(ts) / batch).toFixed(1)} ms per image (batch ${batch}, 1 thread), ×${(median(ts) / base).toFixed(2)}`,
  );
for (const [, s] of sessions) await s.release();
