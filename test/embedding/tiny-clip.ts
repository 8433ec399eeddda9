import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { getModelEntry, type ModelEntry } from '../../src/embedding/model.registry.ts';
import { CLIP_SHARED_DIR } from './fixtures.ts';
import { encodeModel, seededFloats } from './tiny-onnx.ts';

/*
 * Stand-ins for the Xenova CLIP towers with the same input/output names, types and shapes, a few MB
 * instead of 150 MB, generated at test time.
 */

const DIM = 512;
const VOCAB = 49408;
const END_TOKEN = 49407n;

/**
 * pixel_values [N,3,224,224] → 4x4 grid of mean colours (AveragePool 56) → [N,48] → x W[48,512] + b.
 * A grid instead of one mean colour so different photos land in clearly different directions.
 */
export function tinyVisionModel(): Uint8Array {
  return encodeModel({
    name: 'tiny_clip_vision',
    inputs: [{ name: 'pixel_values', type: 'float32', shape: ['batch_size', 3, 224, 224] }],
    outputs: [{ name: 'image_embeds', type: 'float32', shape: ['batch_size', DIM] }],
    initializers: [
      { name: 'W', type: 'float32', dims: [48, DIM], data: seededFloats(48 * DIM, 1) },
      { name: 'b', type: 'float32', dims: [DIM], data: seededFloats(DIM, 2, 0.01) },
    ],
    nodes: [
      {
        op: 'AveragePool',
        inputs: ['pixel_values'],
        outputs: ['grid'],
        attributes: { kernel_shape: [56, 56], strides: [56, 56] },
      },
      { op: 'Flatten', inputs: ['grid'], outputs: ['flat'], attributes: { axis: 1 } },
      { op: 'MatMul', inputs: ['flat', 'W'], outputs: ['projected'] },
      { op: 'Add', inputs: ['projected', 'b'], outputs: ['image_embeds'] },
    ],
  });
}

/**
 * input_ids [N,L] (+ attention_mask [N,L]) → masked sum of 8-d token embeddings → x W[8,512] + b.
 * Padded positions contribute nothing, as in the real tower, so batching never changes a row. Without
 * an attention_mask input the mask is derived from the ids (pad = <|endoftext|>).
 */
export function tinyTextModel(options: { attentionMask: boolean }): Uint8Array {
  const maskNodes = options.attentionMask
    ? [{ op: 'Cast', inputs: ['attention_mask'], outputs: ['mask'], attributes: { to: 1 } }]
    : [
        { op: 'Equal', inputs: ['input_ids', 'pad_id'], outputs: ['is_pad'] },
        { op: 'Not', inputs: ['is_pad'], outputs: ['keep'] },
        { op: 'Cast', inputs: ['keep'], outputs: ['mask'], attributes: { to: 1 } },
      ];
  return encodeModel({
    name: 'tiny_clip_text',
    inputs: [
      { name: 'input_ids', type: 'int64', shape: ['batch_size', 'sequence_length'] },
      ...(options.attentionMask
        ? [{ name: 'attention_mask', type: 'int64' as const, shape: ['batch_size', 'sequence_length'] }]
        : []),
    ],
    outputs: [{ name: 'text_embeds', type: 'float32', shape: ['batch_size', DIM] }],
    initializers: [
      { name: 'E', type: 'float32', dims: [VOCAB, 8], data: seededFloats(VOCAB * 8, 3) },
      { name: 'W', type: 'float32', dims: [8, DIM], data: seededFloats(8 * DIM, 4) },
      { name: 'b', type: 'float32', dims: [DIM], data: seededFloats(DIM, 5, 0.01) },
      ...(options.attentionMask
        ? []
        : [{ name: 'pad_id', type: 'int64' as const, dims: [], data: BigInt64Array.of(END_TOKEN) }]),
      { name: 'axis_2', type: 'int64', dims: [1], data: BigInt64Array.of(2n) },
      { name: 'axis_1', type: 'int64', dims: [1], data: BigInt64Array.of(1n) },
    ],
    nodes: [
      { op: 'Gather', inputs: ['E', 'input_ids'], outputs: ['tokens'], attributes: { axis: 0 } },
      ...maskNodes,
      { op: 'Unsqueeze', inputs: ['mask', 'axis_2'], outputs: ['mask3'] },
      { op: 'Mul', inputs: ['tokens', 'mask3'], outputs: ['masked'] },
      { op: 'ReduceSum', inputs: ['masked', 'axis_1'], outputs: ['pooled'], attributes: { keepdims: 0 } },
      { op: 'MatMul', inputs: ['pooled', 'W'], outputs: ['projected'] },
      { op: 'Add', inputs: ['projected', 'b'], outputs: ['text_embeds'] },
    ],
  });
}

export interface TinyClip {
  dir: string;
  /** the clip-vit-b32 entry with the tiny files' sizes and hashes */
  entry: ModelEntry;
  /** registry path → bytes, for serving from a fake hub */
  contents: Map<string, Uint8Array>;
}

/**
 * A MODEL_DIR laid out like the hub repository: generated towers under onnx/, the real tokenizer files
 * as symlinks into shared/ (read, never copied).
 */
export async function writeTinyClip(dir: string, options = { attentionMask: true }): Promise<TinyClip> {
  const clip = getModelEntry('clip-vit-b32');
  const contents = new Map<string, Uint8Array>([
    ['onnx/vision_model_quantized.onnx', tinyVisionModel()],
    ['onnx/text_model_quantized.onnx', tinyTextModel(options)],
  ]);
  await fs.mkdir(path.join(dir, 'onnx'), { recursive: true });
  for (const [file, bytes] of contents) await fs.writeFile(path.join(dir, file), bytes);
  for (const file of clip.files.filter((f) => !f.path.endsWith('.onnx'))) {
    await fs.symlink(path.join(CLIP_SHARED_DIR, file.path), path.join(dir, file.path));
    contents.set(file.path, await fs.readFile(path.join(CLIP_SHARED_DIR, file.path)));
  }
  const files = clip.files.map((file) => {
    const bytes = contents.get(file.path)!;
    return { ...file, size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
  });
  return { dir, entry: { ...clip, id: 'tiny-clip', files }, contents };
}
