import { appError } from '../errors/app-error.ts';
import { createBatchCoalescer } from './batch.coalescer.ts';
import type { ClipTokenizer } from './clip.tokenizer.ts';
import type { Embedder, ImageSource, LaidOutVector, ModelInfo } from './embedding.types.ts';
import { borderToCentre } from './feature-map.ts';
import { preprocessImage, type DecodeLimits } from '../images/images.preprocess.ts';
import type { ModelEntry, TextTower } from './model.registry.ts';
import type { SharedSession } from './onnx.session.ts';
import { normalizedRows } from './vector.math.ts';

/**
 * Images per forward pass. Larger batches stop paying off around 16 on CPU, and a cap bounds memory
 * (16 CLIP inputs are 9.6 MB) when a caller hands over a whole catalog at once.
 */
export const MAX_BATCH = 16;

export interface TextParts {
  tower: TextTower;
  tokenizer: ClipTokenizer;
  /** opened on first use: the indexer and image search never need the 64 MB text tower */
  session: () => Promise<SharedSession>;
}

export class OnnxEmbedder implements Embedder {
  readonly info: ModelInfo;
  private readonly inputSize: number;
  private closed = false;
  private textSession: Promise<SharedSession> | undefined;
  /** concurrent callers (searches from several clients) share forward passes */
  private readonly visionPass = createBatchCoalescer(
    (tensors: Float32Array[]) => this.runBatch(tensors),
    MAX_BATCH,
  );

  constructor(
    private readonly entry: ModelEntry,
    private readonly vision: SharedSession,
    private readonly text: TextParts | undefined,
    private readonly limits: DecodeLimits,
  ) {
    this.info = {
      id: entry.id,
      dim: entry.dim,
      hasTextTower: text !== undefined,
      defaultThreshold: entry.defaultThreshold,
      ...(entry.queryFraming ? { queryFraming: entry.queryFraming } : {}),
      spatial: entry.vision.spatialOutput !== undefined,
      textLanguages: text ? (entry.text?.languages ?? []) : [],
    };
    this.inputSize = 3 * entry.preprocessing.cropSize ** 2;
  }

  preprocess(image: ImageSource): Promise<Float32Array> {
    return preprocessImage(image, this.entry.preprocessing, this.limits);
  }

  async embedPreprocessed(tensors: Float32Array[]): Promise<Float32Array[]> {
    this.assertOpen();
    const out: Float32Array[] = [];
    for (let start = 0; start < tensors.length; start += MAX_BATCH) {
      out.push(...(await this.runVision(tensors.slice(start, start + MAX_BATCH))));
    }
    return out;
  }

  async embedImages(images: ImageSource[]): Promise<Float32Array[]> {
    this.assertOpen();
    const out: Float32Array[] = [];
    // Per chunk, so a 10,000-image call holds 16 decoded tensors, not 10,000.
    for (let start = 0; start < images.length; start += MAX_BATCH) {
      const tensors = await Promise.all(
        images.slice(start, start + MAX_BATCH).map((image) => this.preprocess(image)),
      );
      out.push(...(await this.runVision(tensors)));
    }
    return out;
  }

  /** One pass for the vector and the feature map it pools; for query framing (single photos). */
  async embedWithLayout(images: ImageSource[]): Promise<LaidOutVector[]> {
    this.assertOpen();
    const spatial = this.entry.vision.spatialOutput;
    if (!spatial) {
      throw appError('MODEL_OUTPUT_MISMATCH', { details: `${this.entry.id} exposes no feature map.` });
    }
    const out: LaidOutVector[] = [];
    for (let start = 0; start < images.length; start += MAX_BATCH) {
      const tensors = await Promise.all(
        images.slice(start, start + MAX_BATCH).map((image) => this.preprocess(image)),
      );
      const size = this.entry.preprocessing.cropSize;
      const batch = new Float32Array(tensors.length * this.inputSize);
      tensors.forEach((tensor, i) => batch.set(tensor, i * this.inputSize));
      const result = await this.vision.runOutputs(
        {
          [this.entry.vision.input]: { type: 'float32', data: batch, dims: [tensors.length, 3, size, size] },
        },
        [this.entry.vision.output, spatial],
      );
      const pooled = result[this.entry.vision.output]!;
      const vectors = this.rows(pooled.data, pooled.dims, tensors.length, this.entry.vision.output);
      const map = result[spatial]!;
      const [n, c, h, w] = map.dims;
      if (map.dims.length !== 4 || n !== tensors.length) {
        throw appError('MODEL_OUTPUT_MISMATCH', {
          details: `${this.entry.id} output "${spatial}" has shape [${map.dims.join(', ')}], expected [N, C, H, W].`,
        });
      }
      const per = c! * h! * w!;
      vectors.forEach((vector, i) =>
        out.push({
          vector,
          borderToCentre: borderToCentre(map.data.subarray(i * per, (i + 1) * per), c!, h!, w!),
        }),
      );
    }
    return out;
  }

  async embedTexts(texts: string[]): Promise<Float32Array[]> {
    this.assertOpen();
    const text = this.text;
    if (!text) {
      throw appError('MODEL_NO_TEXT', { model: this.entry.id });
    }
    if (texts.length === 0) return [];
    const session = await this.openTextSession(text);
    const out: Float32Array[] = [];
    for (let start = 0; start < texts.length; start += MAX_BATCH) {
      const batch = text.tokenizer.encodeBatch(texts.slice(start, start + MAX_BATCH));
      const dims = [batch.rows, batch.length];
      const feeds = { [text.tower.inputIds]: { type: 'int64' as const, data: batch.inputIds, dims } };
      // Some exports drop attention_mask (CLIP's causal mask makes it redundant); feeding an
      // undeclared input is an error in onnxruntime.
      if (session.inputNames.includes(text.tower.attentionMask)) {
        feeds[text.tower.attentionMask] = { type: 'int64', data: batch.attentionMask, dims };
      }
      const result = await session.run(feeds, text.tower.output);
      out.push(...this.rows(result.data, result.dims, batch.rows, text.tower.output));
    }
    return out;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const text = this.textSession;
    this.textSession = undefined;
    await this.vision.release();
    // A text session that failed to open holds nothing to release.
    if (text)
      await text.then(
        (session) => session.release(),
        () => undefined,
      );
  }

  /** Shared by concurrent first callers; forgotten on failure so a later call can retry. */
  private openTextSession(text: TextParts): Promise<SharedSession> {
    if (!this.textSession) {
      const opening = text.session();
      this.textSession = opening;
      opening.catch(() => {
        if (this.textSession === opening) this.textSession = undefined;
      });
    }
    return this.textSession;
  }

  /** Checked before queueing, so a caller's bad tensor never fails the others sharing its pass. */
  private runVision(tensors: Float32Array[]): Promise<Float32Array[]> {
    const size = this.entry.preprocessing.cropSize;
    tensors.forEach((tensor, i) => {
      if (tensor.length !== this.inputSize) {
        throw appError('EMBED_INPUT_INVALID', {
          details: `Tensor ${i} has ${tensor.length} values; ${this.entry.id} takes 3x${size}x${size} = ${this.inputSize}.`,
        });
      }
    });
    return this.visionPass(tensors);
  }

  private async runBatch(tensors: Float32Array[]): Promise<Float32Array[]> {
    const size = this.entry.preprocessing.cropSize;
    const batch = new Float32Array(tensors.length * this.inputSize);
    tensors.forEach((tensor, i) => batch.set(tensor, i * this.inputSize));
    const result = await this.vision.run(
      { [this.entry.vision.input]: { type: 'float32', data: batch, dims: [tensors.length, 3, size, size] } },
      this.entry.vision.output,
    );
    return this.rows(result.data, result.dims, tensors.length, this.entry.vision.output);
  }

  private rows(data: Float32Array, dims: readonly number[], rows: number, name: string): Float32Array[] {
    if (dims.length !== 2 || dims[0] !== rows || dims[1] !== this.entry.dim) {
      throw appError('MODEL_OUTPUT_MISMATCH', {
        details: `${this.entry.id} output "${name}" has shape [${dims.join(', ')}], expected [${rows}, ${this.entry.dim}].`,
      });
    }
    return normalizedRows(data, rows, this.entry.dim);
  }

  private assertOpen(): void {
    if (this.closed) throw appError('MODEL_CLOSED', { model: this.entry.id });
  }
}
