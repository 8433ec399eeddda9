import { appError } from '../errors/app-error.ts';
import type { QueryFraming } from './embedding.types.ts';

export type ModelFileRole = 'vision' | 'text' | 'tokenizer' | 'config';

export interface ModelFile {
  /** path inside the hub repository; also the path under MODEL_DIR and the cache */
  path: string;
  role: ModelFileRole;
  /** bytes; checked on every start because a wrong size is the cheap tell of a partial copy */
  size?: number;
  /** hex; absent only for ad-hoc entries (benchmarks on generated models), then hashing is skipped */
  sha256?: string;
}

/** Data, not code: image.preprocess.ts interprets it, so a new model needs no new resize code. */
export interface ImagePreprocessing {
  /** the shorter side is scaled to this many pixels, aspect ratio kept */
  resizeShortestSide: number;
  /** then a centred square of this size is cut out; it is also the model's input height and width */
  cropSize: number;
  /** PIL/torchvision filter the model was trained with */
  resample: 'bicubic' | 'bilinear';
  /** per RGB channel, applied to pixel / 255 */
  mean: readonly [number, number, number];
  std: readonly [number, number, number];
}

export interface VisionTower {
  input: string;
  output: string;
  /**
   * An intermediate float tensor [N, C, H, W]: the feature map before pooling, exposed as an extra
   * graph output at load so query framing can see where the photo's activations are.
   */
  spatialOutput?: string;
}

export interface TextTower {
  inputIds: string;
  /** fed only when the loaded model declares it */
  attentionMask: string;
  output: string;
  /** sequence length the position embeddings allow, start and end tokens included */
  maxTokens: number;
  /** languages its training captions were in: other languages' queries are not sent to it */
  languages: readonly string[];
}

interface ModelEntryBase {
  id: string;
  description: string;
  /** where `vitrina model pull` fetches the files; absent when the files must come from MODEL_DIR */
  hub?: { repo: string; revision: string };
  files: readonly ModelFile[];
  vision: VisionTower;
  preprocessing: ImagePreprocessing;
  dim: number;
  /** cosine similarity below which a match is not shown by default */
  defaultThreshold: number;
  /**
   * How photo queries are framed (crops chosen per photo, see QueryFraming). Measured with `vitrina
   * eval` (docs/eval.md); costs up to one forward pass per crop, so only cheap models use it.
   */
  queryFraming?: QueryFraming;
}

export type ModelEntry =
  | (ModelEntryBase & { hasTextTower: true; text: TextTower })
  | (ModelEntryBase & { hasTextTower: false; text?: undefined });

const CLIP_VIT_B32: ModelEntry = {
  id: 'clip-vit-b32',
  description: 'OpenAI CLIP ViT-B/32 (int8 ONNX export by Xenova), image + text, 512-d',
  // Pinned to a commit so the sha256 values below stay true when the repository moves on.
  hub: { repo: 'Xenova/clip-vit-base-patch32', revision: 'd15189d7028b43f1d3e65039190477f6af591c2a' },
  files: [
    {
      path: 'onnx/vision_model_quantized.onnx',
      role: 'vision',
      size: 89_117_001,
      sha256: '583fd1110a514667812fee7d684952aaf82a99b959760c8d7dca7e0ab9839299',
    },
    {
      path: 'onnx/text_model_quantized.onnx',
      role: 'text',
      size: 64_504_507,
      sha256: '73baab855d406190da9faa498cfedf65f15cf309f4cc7385b7b032e6d08e5c3a',
    },
    {
      path: 'tokenizer.json',
      role: 'tokenizer',
      size: 2_224_119,
      sha256: 'f7f3b7af117d467b58374797691a6438d3e6b9e9cef800dfd5dced7f697a90cd',
    },
    {
      path: 'tokenizer_config.json',
      role: 'config',
      size: 775,
      sha256: '60ba2912bc6344c94bc16bbdec27fa1209409167b6f2fdf3cfe9e65462ea3967',
    },
    // config.json and preprocessor_config.json are deliberately not listed: their content is encoded
    // in this entry (tests check that it agrees), and every listed file is one more thing a user
    // filling MODEL_DIR by hand can forget.
  ],
  vision: { input: 'pixel_values', output: 'image_embeds' },
  hasTextTower: true,
  text: {
    inputIds: 'input_ids',
    attentionMask: 'attention_mask',
    output: 'text_embeds',
    maxTokens: 77,
    // CLIP's captions were English; a Russian query embeds to noise.
    languages: ['en'],
  },
  preprocessing: {
    resizeShortestSide: 224,
    cropSize: 224,
    resample: 'bicubic',
    mean: [0.48145466, 0.4578275, 0.40821073],
    std: [0.26862954, 0.26130258, 0.27577711],
  },
  dim: 512,
  // One threshold serves photo and text queries, so it is set for the harder case. CLIP ViT-B/32
  // scores a matching caption against an image at about 0.25-0.35 cosine and an unrelated one at
  // 0.10-0.20; 0.25 keeps most true text hits. Photo-to-photo scores sit much higher (unrelated
  // photos around 0.4-0.6, the same product 0.8+), where ranking does the work and the threshold
  // only drops the clearly unrelated tail.
  defaultThreshold: 0.25,
};

const MOBILENET_V2_INT8: ModelEntry = {
  id: 'mobilenetv2-int8',
  description: 'MobileNetV2 ImageNet (ONNX Model Zoo int8) pooled features, image only, 1280-d',
  // No hub source: this file was modified (an extra `features` output), so it exists only where it was
  // built. Users point MODEL_DIR at the folder holding model.onnx.
  files: [
    {
      path: 'model.onnx',
      role: 'vision',
      size: 3_655_778,
      sha256: '24decc90707e37651d6d56e1be753010ae53287663c04112c64a77bd3e716dbf',
    },
  ],
  // '627': the last conv block's 7x7x1280 activations (dequantized), the map `features` averages
  vision: { input: 'input', output: 'features', spatialOutput: '627' },
  hasTextTower: false,
  preprocessing: {
    resizeShortestSide: 256,
    cropSize: 224,
    resample: 'bilinear',
    mean: [0.485, 0.456, 0.406],
    std: [0.229, 0.224, 0.225],
  },
  dim: 1280,
  // The features are post-ReLU (never negative), so cosine similarity has a high floor: unrelated
  // photos score 0.5-0.65, and anything much below 0.5 would show the whole catalog for any query.
  // Measured on grocery-store (296 store photos against the 81 catalog shots): at 0.55 91% of true
  // matches stay visible and 76% of unrelated products are hidden; 0.6 would hide 39% of true matches.
  defaultThreshold: 0.55,
  // Chosen on the grocery train photos (docs/eval.md): store photos gain from the crops (a shelf or a
  // pile zoomed into), well-framed products keep their whole view.
  queryFraming: { crops: [0.8, 0.6], wholeWeight: 2, minAgreement: 0.8, quietBorder: 0.5 },
};

const REGISTRY: ReadonlyMap<string, ModelEntry> = new Map(
  [CLIP_VIT_B32, MOBILENET_V2_INT8].map((entry) => [entry.id, entry]),
);

export const DEFAULT_MODEL_ID = CLIP_VIT_B32.id;

export function listModelIds(): string[] {
  return [...REGISTRY.keys()];
}

export function getModelEntry(id: string): ModelEntry {
  const entry = REGISTRY.get(id);
  if (!entry) {
    throw appError('MODEL_UNKNOWN', { id, known: listModelIds().join(', ') });
  }
  return entry;
}

/** The single file of a role; entries are written by hand, so a missing one is a bug worth a clear message. */
export function fileOfRole(entry: ModelEntry, role: ModelFileRole): ModelFile {
  const file = entry.files.find((f) => f.role === role);
  if (!file) throw appError('MODEL_ENTRY_INVALID', { details: `Model ${entry.id} lists no ${role} file.` });
  return file;
}
