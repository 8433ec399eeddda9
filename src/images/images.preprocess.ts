import fs from 'node:fs/promises';
import type { Sharp } from 'sharp';
import type { ImageSource } from '../embedding/embedding.types.ts';
import type { ImagePreprocessing } from '../embedding/model.registry.ts';
import { appError } from '../errors/app-error.ts';
import { decode, orientedSize, render, type DecodeLimits } from './images.policy.ts';

export type { DecodeLimits } from './images.policy.ts';

export interface RgbImage {
  /** 8-bit interleaved RGB, row-major, no padding */
  data: Buffer;
  width: number;
  height: number;
}

/**
 * Long sides beyond this many times the short side are trimmed (centre kept) before resizing. Only
 * the centre crop is used, and without the trim a 100 x 500,000 banner, legal under the pixel limit,
 * would be resized to 224 x 1,120,000 (750 MB). Below 4:1 (all normal photos) nothing changes; above,
 * the trimmed parts are more than a crop width away from the crop, so no kernel reaches them.
 */
const MAX_ASPECT = 4;

/**
 * Decode, orient, resize and centre-crop as the model's Python preprocessing does (CLIPImageProcessor:
 * PIL bicubic on the shortest side, then centre crop; torchvision for ImageNet), then normalize into a
 * CHW float32 tensor.
 *
 * Matching PIL needs two sharp operations. Downscaling uses resize() (a convolution whose support grows
 * with the scale, i.e. antialiased, like PIL); upscaling uses affine() with PIL's pixel-centre
 * alignment, because libvips' resize() enlarges differently from PIL. transformers.js uses affine() for
 * both, which skips antialiasing on downscale: on phone photos its tensor drifts from PIL's, and ours
 * stays within ~0.01 (tests measure both).
 */
export async function preprocessImage(
  source: ImageSource,
  spec: ImagePreprocessing,
  limits: DecodeLimits,
): Promise<Float32Array> {
  if (spec.resizeShortestSide < spec.cropSize) {
    throw appError('MODEL_ENTRY_INVALID', { details: 'resizeShortestSide must be at least cropSize.' });
  }
  const input = await readSource(source);
  const oriented = await orientedSize(input, limits);
  const region = centreRegion(oriented.width, oriented.height);
  const short = Math.min(region.width, region.height);
  const long = Math.max(region.width, region.height);
  // Python transformers and torchvision: the short side becomes `size`, the long side int(size * long / short).
  const newLong = Math.floor((spec.resizeShortestSide * long) / short);
  const targetWidth = region.width <= region.height ? spec.resizeShortestSide : newLong;
  const targetHeight = region.width <= region.height ? newLong : spec.resizeShortestSide;

  let pipeline = decode(input, limits);
  if (region.width !== oriented.width || region.height !== oriented.height)
    pipeline = pipeline.extract(region);
  pipeline = resampleTo(pipeline, region, targetWidth, targetHeight, spec.resample);
  const rgb = await toRgb(pipeline, limits);
  return toNormalizedChw(rgb, spec);
}

/** Decoded, oriented RGB squeezed to exactly width x height (aspect ignored); used by the fake embedder. */
export async function decodeThumbnail(
  source: ImageSource,
  size: { width: number; height: number },
  limits: DecodeLimits,
): Promise<RgbImage> {
  const input = await readSource(source);
  await orientedSize(input, limits);
  return toRgb(decode(input, limits).resize({ ...size, fit: 'fill', kernel: 'linear' }), limits);
}

function resampleTo(
  pipeline: Sharp,
  from: { width: number; height: number },
  width: number,
  height: number,
  resample: ImagePreprocessing['resample'],
): Sharp {
  if (width === from.width && height === from.height) return pipeline;
  if (width < from.width) {
    // fastShrinkOnLoad stays on: for big JPEGs libvips decodes at 1/2..1/8 scale in the DCT, a large
    // speed-up whose (antialiased) result differs from PIL far less than the models care about.
    return pipeline.resize({
      width,
      height,
      fit: 'fill',
      kernel: resample === 'bicubic' ? 'cubic' : 'linear',
    });
  }
  const sx = width / from.width;
  const sy = height / from.height;
  // PIL maps output pixel centre x+0.5 to input x_in+0.5 = (x+0.5)/s; libvips' affine maps corners
  // unless offset by (s-1)/2.
  return pipeline.affine([sx, 0, 0, sy], { interpolator: resample, odx: (sx - 1) / 2, ody: (sy - 1) / 2 });
}

function centreRegion(width: number, height: number) {
  const maxLong = Math.min(width, height) * MAX_ASPECT;
  const w = Math.min(width, maxLong);
  const h = Math.min(height, maxLong);
  return { left: Math.floor((width - w) / 2), top: Math.floor((height - h) / 2), width: w, height: h };
}

/** One pass over the pixels: centre crop, scale to [0,1], subtract mean, divide by std, HWC to CHW. */
export function toNormalizedChw(rgb: RgbImage, spec: ImagePreprocessing): Float32Array {
  const crop = spec.cropSize;
  const { data, width, height } = rgb;
  if (width < crop || height < crop) {
    // unreachable while resizeShortestSide >= cropSize; guards against a future resize change
    throw appError('PREPROCESS_FAILED', {
      details: `Resized image ${width}x${height} is smaller than the crop ${crop}.`,
    });
  }
  const left = Math.floor((width - crop) / 2);
  const top = Math.floor((height - crop) / 2);
  const plane = crop * crop;
  const out = new Float32Array(3 * plane);
  // (v / 255 - mean) / std folded into one multiply-add per value
  const [m0, m1, m2] = spec.mean;
  const [s0, s1, s2] = spec.std;
  const a0 = 1 / (255 * s0);
  const a1 = 1 / (255 * s1);
  const a2 = 1 / (255 * s2);
  const b0 = -m0 / s0;
  const b1 = -m1 / s1;
  const b2 = -m2 / s2;
  let o = 0;
  for (let y = 0; y < crop; y++) {
    let p = ((top + y) * width + left) * 3;
    for (let x = 0; x < crop; x++, o++, p += 3) {
      out[o] = data[p]! * a0 + b0;
      out[o + plane] = data[p + 1]! * a1 + b1;
      out[o + 2 * plane] = data[p + 2]! * a2 + b2;
    }
  }
  return out;
}

async function readSource(source: ImageSource): Promise<Buffer> {
  if (typeof source !== 'string') return source;
  try {
    return await fs.readFile(source);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw appError('IMAGE_FILE_NOT_FOUND', { file: source });
    throw appError('IMAGE_UNREADABLE', { file: source, reason: code ?? String(error) });
  }
}

async function toRgb(pipeline: Sharp, limits: DecodeLimits): Promise<RgbImage> {
  return render(limits, async () => {
    const { data, info } = await pipeline
      .removeAlpha()
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels`);
    return { data, width: info.width, height: info.height };
  });
}
