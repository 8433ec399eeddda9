/** An image as the embedder accepts it: encoded bytes or a local file path. */
export type ImageSource = Buffer | string;

/** What the rest of the app knows about a model; the registry entry holds the rest. */
export interface ModelInfo {
  id: string;
  dim: number;
  hasTextTower: boolean;
  /** cosine similarity below which a match is not shown by default */
  defaultThreshold: number;
  /** center crops a photo query is embedded at (1 = whole image); absent = [1] */
  queryCrops?: readonly number[];
  /** languages the text tower was trained on (ISO 639-1); empty without a text tower */
  textLanguages?: readonly string[];
}

/**
 * The narrow interface every caller uses. Preprocessing and the forward pass are separate
 * so the indexer can decode the next batch while the model runs the current one.
 */
export interface Embedder {
  readonly info: ModelInfo;
  /** Decode + resize + normalize one image into the model's input tensor (CHW float32). */
  preprocess(image: ImageSource): Promise<Float32Array>;
  /** Forward pass on preprocessed tensors; returns L2-normalized vectors, one per input. */
  embedPreprocessed(tensors: Float32Array[]): Promise<Float32Array[]>;
  /** preprocess + embedPreprocessed */
  embedImages(images: ImageSource[]): Promise<Float32Array[]>;
  /** Only when info.hasTextTower; otherwise throws AppError MODEL_NO_TEXT. */
  embedTexts(texts: string[]): Promise<Float32Array[]>;
  close(): Promise<void>;
}
