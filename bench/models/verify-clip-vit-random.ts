/**
 * Checks the random CLIP ViT-B/32 towers made by make-clip-vit-random.py in onnxruntime-node:
 * the fp32 export matches torch, the int8 one stays close to fp32, and the raw forward speed.
 *
 *   node --import tsx bench/models/verify-clip-vit-random.ts [modelDir]
 *
 * Exits non-zero when a check fails, so CI can run it after ensure-clip-vit-random.sh.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { cosine, fmt, markdownTable, nowMs, seededRandom, summarize } from '../bench.util.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const modelDir = path.resolve(process.argv[2] ?? path.join(here, '..', '.models', 'clip-vit-b32-random'));
const threads = Number(process.env.ORT_THREADS ?? 2);
const SIDE = 224;
const DIM = 512;
const PER_IMAGE = 3 * SIDE * SIDE;
const MIN_INT8_COSINE = 0.98;
const MIN_TORCH_COSINE = 0.9999;

async function open(file: string): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(path.join(modelDir, 'onnx', file), {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
  });
}

async function run(session: ort.InferenceSession, data: Float32Array, n: number): Promise<Float32Array> {
  const out = await session.run({ pixel_values: new ort.Tensor('float32', data, [n, 3, SIDE, SIDE]) });
  const embeds = out.image_embeds;
  if (!embeds) throw new Error('no image_embeds output');
  return embeds.data as Float32Array;
}

function rows(v: Float32Array, n: number): Float32Array[] {
  return Array.from({ length: n }, (_, i) => v.subarray(i * DIM, (i + 1) * DIM));
}

function readF32(file: string): Float32Array {
  const buf = readFileSync(path.join(modelDir, 'reference', file));
  return new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4).slice();
}

async function timeForward(session: ort.InferenceSession, batch: number, runs: number) {
  const rnd = seededRandom(batch);
  const data = Float32Array.from({ length: batch * PER_IMAGE }, () => rnd() * 4 - 1.8);
  for (let i = 0; i < 3; i++) await run(session, data, batch);
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = nowMs();
    await run(session, data, batch);
    ms.push(nowMs() - t);
  }
  const s = summarize(ms);
  return { batch, p50: s.p50, p95: s.p95, imagesPerS: (1000 * batch) / s.p50 };
}

async function main(): Promise<void> {
  const fp32 = await open('vision_model.onnx');
  const int8 = await open('vision_model_quantized.onnx');
  let ok = true;

  // torch reference: a wrong export (not a quantization loss) shows here
  const refIn = readF32('pixel_values.f32');
  const refOut = rows(readF32('image_embeds.f32'), 2);
  const fp32Ref = rows(await run(fp32, refIn, 2), 2);
  const torchCos = Math.min(...fp32Ref.map((v, i) => cosine(v, refOut[i] as Float32Array)));
  console.log(`fp32 onnx vs torch: min cosine ${torchCos.toFixed(6)}`);
  if (!(torchCos >= MIN_TORCH_COSINE)) ok = false;

  const n = 16;
  const rnd = seededRandom(7);
  const input = Float32Array.from({ length: n * PER_IMAGE }, () => rnd() * 4 - 1.8);
  const a = rows(await run(fp32, input, n), n);
  const b = rows(await run(int8, input, n), n);
  const cos = a.map((v, i) => cosine(v, b[i] as Float32Array));
  const s = summarize(cos);
  console.log(`int8 vs fp32 on ${n} random inputs: cosine min ${s.min.toFixed(4)} mean ${s.mean.toFixed(4)}`);
  if (!(s.min >= MIN_INT8_COSINE)) ok = false;

  // batched and single runs must agree, or the dynamic batch axis was exported wrong
  const single = await run(fp32, input.subarray(PER_IMAGE, 2 * PER_IMAGE), 1);
  const batchCos = cosine(single, a[1] as Float32Array);
  console.log(`fp32 batch-1 vs batch-16 row: cosine ${batchCos.toFixed(6)}`);
  if (!(batchCos >= MIN_TORCH_COSINE)) ok = false;

  const table: string[][] = [];
  for (const [name, session] of [
    ['fp32', fp32],
    ['int8', int8],
  ] as const) {
    for (const [batch, runs] of [
      [1, 40],
      [16, 8],
    ] as const) {
      const r = await timeForward(session, batch, runs);
      table.push([name, String(batch), fmt(r.p50), fmt(r.p95), fmt(r.p50 / batch), fmt(r.imagesPerS)]);
    }
  }
  console.log(`\nforward only, onnxruntime-node ${ort.env.versions.common}, intraOpNumThreads ${threads}`);
  console.log(
    markdownTable(['model', 'batch', 'p50 ms/run', 'p95 ms/run', 'ms/image', 'images/s'], table, [
      'left',
      'right',
      'right',
      'right',
      'right',
      'right',
    ]),
  );
  await fp32.release();
  await int8.release();
  if (!ok) {
    console.error('verify-clip-vit-random: FAILED');
    process.exitCode = 1;
  }
}

await main();
