// Writes test/fixtures/mobilenet-fp32-reference.json: the fp32 reference's vectors (same weights as
// the int8 model, no saturation; make-fp32-reference.py) for the photos the int8 test embeds.
//
//   /usr/bin/python3 bench/quant/make-fp32-reference.py ../shared/models/mobilenetv2-12-int8/model.onnx /tmp/ref.onnx
//   node --import tsx bench/quant/reference-fixture.ts /tmp/ref.onnx
import fs from 'node:fs';
import path from 'node:path';
import { getModelEntry } from '../../src/embedding/model.registry.ts';
import { acquireSession } from '../../src/embedding/onnx.session.ts';
import { preprocessImage } from '../../src/images/images.preprocess.ts';
import { PHOTOS } from '../../test/embedding/fixtures.ts';

const refPath = process.argv[2];
if (!refPath) throw new Error('usage: reference-fixture.ts <fp32-ref.onnx>');
const entry = getModelEntry('mobilenetv2-int8');
const session = await acquireSession(refPath, {
  threads: 1,
  graphOptimization: 'disabled',
  warmup: () => ({
    input: { type: 'float32', data: new Float32Array(3 * 224 * 224), dims: [1, 3, 224, 224] },
  }),
});
const names = ['apple1', 'milk', 'tomato', 'asparagusIconic'] as const;
const out: Record<string, number[]> = {};
for (const name of names) {
  const tensor = await preprocessImage(fs.readFileSync(PHOTOS[name]), entry.preprocessing, {
    maxPixels: 5e7,
  });
  const { data } = await session.run(
    { input: { type: 'float32', data: tensor, dims: [1, 3, 224, 224] } },
    'features',
  );
  const norm = Math.hypot(...data);
  out[name] = Array.from(data, (x) => Math.round((x / norm) * 1e5) / 1e5);
}
await session.release();
const file = path.resolve(import.meta.dirname, '../../test/fixtures/mobilenet-fp32-reference.json');
fs.writeFileSync(file, JSON.stringify(out) + '\n');
console.log(`wrote ${file}`);
