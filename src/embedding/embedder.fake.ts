import { appError } from '../errors/app-error.ts';
import type { Embedder, ImageSource } from './embedding.types.ts';
import { decodeThumbnail } from '../images/images.preprocess.ts';
import { l2Normalize } from './vector.math.ts';

export interface FakeEmbedderOptions {
  dim?: number;
  id?: string;
  hasTextTower?: boolean;
  maxImagePixels?: number;
}

/** 16x16 decode → 8x8 colour thumbnail (192 values) + 4x4x4 colour histogram (64 values). */
const DECODE_SIZE = 16;
const THUMB_SIZE = 8;
const HIST_BINS = 4;
export const FAKE_FEATURES = THUMB_SIZE * THUMB_SIZE * 3 + HIST_BINS ** 3;
/** Gives colour distribution a say next to layout; without it, the 192 layout values dominate. */
const HISTOGRAM_WEIGHT = 4;

/**
 * A deterministic stand-in for a real model, for tests and demos that must not load ONNX weights.
 * Vectors come from the pixels (a tiny thumbnail plus a colour histogram, both centred so unrelated
 * images are not all alike), so the same photo resized scores ~1 and different products score lower.
 * Text vectors are a sum of per-token pseudo-random vectors: shared words make texts similar.
 * Decoding goes through the real pipeline, so bad images fail with the same AppErrors.
 */
export function createFakeEmbedder(options: FakeEmbedderOptions = {}): Embedder {
  const dim = options.dim ?? FAKE_FEATURES;
  const hasTextTower = options.hasTextTower ?? true;
  const limits = { maxPixels: options.maxImagePixels ?? 50_000_000 };
  let closed = false;
  const assertOpen = () => {
    if (closed) throw appError('MODEL_CLOSED', { model: 'fake' });
  };

  const embedPreprocessed = async (tensors: Float32Array[]) => {
    assertOpen();
    return tensors.map((features, i) => {
      if (features.length !== FAKE_FEATURES) {
        throw appError('EMBED_INPUT_INVALID', {
          details: `Tensor ${i} has ${features.length} values, not ${FAKE_FEATURES}.`,
        });
      }
      return l2Normalize(foldTo(features, dim));
    });
  };

  const preprocess = async (image: ImageSource) => {
    const rgb = await decodeThumbnail(image, { width: DECODE_SIZE, height: DECODE_SIZE }, limits);
    return imageFeatures(rgb.data);
  };

  return {
    info: {
      id: options.id ?? 'fake',
      dim,
      hasTextTower,
      defaultThreshold: 0.5,
      textLanguages: hasTextTower ? ['en'] : [],
    },
    preprocess,
    embedPreprocessed,
    embedImages: async (images) => embedPreprocessed(await Promise.all(images.map(preprocess))),
    embedTexts: async (texts) => {
      assertOpen();
      if (!hasTextTower) throw appError('MODEL_NO_TEXT', { model: options.id ?? 'fake' });
      return texts.map((text) => textVector(text, dim));
    },
    close: async () => {
      closed = true;
    },
  };
}

function imageFeatures(rgb: Buffer): Float32Array {
  const out = new Float32Array(FAKE_FEATURES);
  const block = DECODE_SIZE / THUMB_SIZE;
  const histogram = out.subarray(THUMB_SIZE * THUMB_SIZE * 3);
  const pixels = DECODE_SIZE * DECODE_SIZE;
  for (let y = 0; y < DECODE_SIZE; y++) {
    for (let x = 0; x < DECODE_SIZE; x++) {
      const p = (y * DECODE_SIZE + x) * 3;
      const t = (Math.floor(y / block) * THUMB_SIZE + Math.floor(x / block)) * 3;
      let bin = 0;
      for (let c = 0; c < 3; c++) {
        const v = rgb[p + c]! / 255;
        out[t + c]! += v / (block * block);
        bin = bin * HIST_BINS + Math.min(HIST_BINS - 1, Math.floor(v * HIST_BINS));
      }
      histogram[bin]! += HISTOGRAM_WEIGHT / pixels;
    }
  }
  // Centring: raw intensities and counts are all positive, which would make every pair look similar.
  for (let i = 0; i < THUMB_SIZE * THUMB_SIZE * 3; i++) out[i]! -= 0.5;
  for (let i = 0; i < histogram.length; i++) histogram[i]! -= HISTOGRAM_WEIGHT / histogram.length;
  return out;
}

/** Folds (dim < n) or zero-pads (dim > n) with fixed signs, which keeps inner products roughly intact. */
function foldTo(features: Float32Array, dim: number): Float32Array {
  if (dim === features.length) return features;
  const out = new Float32Array(dim);
  for (let i = 0; i < features.length; i++) {
    out[i % dim]! += features[i]! * (hash32(`sign${i}`) & 1 ? 1 : -1);
  }
  return out;
}

function textVector(text: string, dim: number): Float32Array {
  const tokens = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [''];
  const sum = new Float32Array(dim);
  for (const token of tokens) {
    const next = mulberry32(hash32(token));
    for (let i = 0; i < dim; i++) sum[i]! += next() - 0.5;
  }
  return l2Normalize(sum);
}

/** FNV-1a */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
