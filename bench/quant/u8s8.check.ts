// Do the int8 models give the same vectors with and without u8s8 saturation? Embeds a few real photos
// with an int8 model (default session, and with session.x64quantprecision = 1) and with its fp32
// reference (make-fp32-reference.py, graph optimizations off), and prints each vector's cosine to the
// reference. Run it natively and under an emulated AVX2-only CPU to see the saturating kernels:
//
//   node --import tsx bench/quant/u8s8.check.ts <int8.onnx> <fp32-ref.onnx> <input> <output> <size> [out.json] [photos]
//   qemu-x86_64 -cpu Haswell-noTSX "$(command -v node)" --import tsx bench/quant/u8s8.check.ts …
import fs from 'node:fs';
import path from 'node:path';
import { acquireSession, type SharedSession } from '../../src/embedding/onnx.session.ts';
import { preprocessImage } from '../../src/images/images.preprocess.ts';

const [int8Path, refPath, inputArg, outputArg, sizeArg, outFile, countArg] = process.argv.slice(2);
if (!int8Path || !refPath || !inputArg || !outputArg || !sizeArg) {
  console.error('usage: u8s8.check.ts <int8.onnx> <fp32-ref.onnx> <input> <output> <size> [out.json]');
  process.exit(2);
}
const input: string = inputArg;
const output: string = outputArg;
const size = Number(sizeArg);
const clip = size === 224 && output !== 'features';
const spec = clip
  ? {
      resizeShortestSide: 224,
      cropSize: 224,
      resample: 'bicubic' as const,
      mean: [0.48145466, 0.4578275, 0.40821073] as const,
      std: [0.26862954, 0.26130258, 0.27577711] as const,
    }
  : {
      resizeShortestSide: 256,
      cropSize: 224,
      resample: 'bilinear' as const,
      mean: [0.485, 0.456, 0.406] as const,
      std: [0.229, 0.224, 0.225] as const,
    };
const grocery = path.resolve(import.meta.dirname, '../../../shared/datasets/grocery-store/dataset/val');
const photos = fs
  .readdirSync(grocery, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.jpg'))
  .sort()
  .filter((_, i) => i % 37 === 0)
  .slice(0, Number(countArg ?? 8)) // fewer under emulation: ViT-B/32 takes minutes per image in qemu
  .map((f) => path.join(grocery, f));

const open = (file: string, extra: Partial<Parameters<typeof acquireSession>[1]>) =>
  acquireSession(file, {
    threads: 1,
    warmup: () => ({
      [input]: { type: 'float32', data: new Float32Array(3 * size * size), dims: [1, 3, size, size] },
    }),
    ...extra,
  });
const unit = (v: Float32Array) => {
  const n = Math.hypot(...v) || 1;
  return Array.from(v, (x) => x / n);
};
async function embed(session: SharedSession, tensor: Float32Array) {
  const r = await session.run(
    { [input]: { type: 'float32', data: tensor, dims: [1, 3, size, size] } },
    output,
  );
  return unit(r.data);
}
const keepAlive = setInterval(() => {}, 1000); // under qemu-user the idle (unref'd) worker let the process exit early
const sessions = {
  reference: await open(refPath, { graphOptimization: 'disabled' }),
  default: await open(int8Path, {}),
  x64quantprecision: await open(int8Path, { config: { 'session.x64quantprecision': '1' } }),
};
const result: Record<string, number[][]> = { reference: [], default: [], x64quantprecision: [] };
for (const photo of photos) {
  const tensor = await preprocessImage(fs.readFileSync(photo), spec, { maxPixels: 50_000_000 });
  for (const [name, session] of Object.entries(sessions)) result[name]!.push(await embed(session, tensor));
}
const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0);
for (const name of ['default', 'x64quantprecision']) {
  const cos = result[name]!.map((v, i) => dot(v, result.reference![i]!));
  console.log(
    `${name}: cosine to fp32 reference over ${cos.length} photos: min ${Math.min(...cos).toFixed(6)}, mean ${(cos.reduce((a, b) => a + b, 0) / cos.length).toFixed(6)}`,
  );
}
if (outFile) fs.writeFileSync(outFile, JSON.stringify(result));
for (const s of Object.values(sessions)) await s.release();
clearInterval(keepAlive);
