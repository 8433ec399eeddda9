/*
 * A port of Pillow's Image.resize(BICUBIC/BILINEAR) (libImaging/Resample.c) used as an independent
 * oracle: Python's CLIPImageProcessor and torchvision's Resize call it. Separable, antialiased (the
 * kernel support grows with the downscale factor), pixel-centre aligned, horizontal pass first, with an
 * 8-bit intermediate like Pillow. Slow and simple on purpose.
 */

const filters = {
  bicubic: { support: 2, weight: (x: number) => cubic(x) },
  bilinear: { support: 1, weight: (x: number) => Math.max(0, 1 - Math.abs(x)) },
};

function cubic(x: number): number {
  const a = -0.5;
  const t = Math.abs(x);
  if (t < 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
  if (t < 2) return (((t - 5) * t + 8) * t - 4) * a;
  return 0;
}

function coefficients(inSize: number, outSize: number, filter: keyof typeof filters) {
  const { support: baseSupport, weight } = filters[filter];
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = baseSupport * filterScale;
  const out: { start: number; weights: number[] }[] = [];
  for (let i = 0; i < outSize; i++) {
    const centre = (i + 0.5) * scale;
    const start = Math.max(Math.trunc(centre - support + 0.5), 0);
    const end = Math.min(Math.trunc(centre + support + 0.5), inSize);
    const weights: number[] = [];
    for (let x = start; x < end; x++) weights.push(weight((x - centre + 0.5) / filterScale));
    const sum = weights.reduce((s, w) => s + w, 0);
    out.push({ start, weights: weights.map((w) => w / sum) });
  }
  return out;
}

const clip8 = (v: number) => Math.min(255, Math.max(0, Math.round(v)));

/** RGB (3 channels, interleaved) width x height → newWidth x newHeight. */
export function pilResize(
  src: Uint8Array,
  width: number,
  height: number,
  newWidth: number,
  newHeight: number,
  filter: keyof typeof filters,
): Uint8Array {
  const horizontal = coefficients(width, newWidth, filter);
  const vertical = coefficients(height, newHeight, filter);
  const tmp = new Uint8Array(newWidth * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < newWidth; x++) {
      const { start, weights } = horizontal[x]!;
      for (let c = 0; c < 3; c++) {
        let sum = 0;
        for (let k = 0; k < weights.length; k++) sum += src[(y * width + start + k) * 3 + c]! * weights[k]!;
        tmp[(y * newWidth + x) * 3 + c] = clip8(sum);
      }
    }
  }
  const out = new Uint8Array(newWidth * newHeight * 3);
  for (let y = 0; y < newHeight; y++) {
    const { start, weights } = vertical[y]!;
    for (let x = 0; x < newWidth; x++) {
      for (let c = 0; c < 3; c++) {
        let sum = 0;
        for (let k = 0; k < weights.length; k++)
          sum += tmp[((start + k) * newWidth + x) * 3 + c]! * weights[k]!;
        out[(y * newWidth + x) * 3 + c] = clip8(sum);
      }
    }
  }
  return out;
}
