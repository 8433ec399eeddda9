/** An image as the embedder accepts it: encoded bytes or a local file path. */
export type ImageSource = Buffer | string;

/** What the rest of the app knows about a model; the registry entry holds the rest. */
export interface ModelInfo {
  id: string;
  dim: number;
  hasTextTower: boolean;
  /** cosine similarity below which a match is not shown by default */
  defaultThreshold: number;
  /** how a photo query is framed (crops chosen per photo); absent = the whole photo only */
  queryFraming?: QueryFraming;
  /** true when embedWithLayout can tell how the photo's activations are laid out */
  spatial?: boolean;
  /** languages the text tower was trained on (ISO 639-1); empty without a text tower */
  textLanguages?: readonly string[];
}

/**
 * Per-photo query framing (src/search/query-framing.ts). The whole photo always counts, with
 * `wholeWeight`; each center crop (fraction of the shorter side) joins the mean only when its vector
 * still agrees with the whole photo's (cosine ≥ `minAgreement`): zooming into a shelf or a pile
 * helps, cutting a well-framed product does not. With a spatial model, a photo whose border is quiet
 * (border activation below `quietBorder` × the centre's: a product on a plain background) is not
 * cropped at all.
 */
export interface QueryFraming {
  crops: readonly number[];
  wholeWeight: number;
  minAgreement: number;
  quietBorder?: number;
}

/** A vector and how the model's activations spread over the photo (spatial models only). */
export interface LaidOutVector {
  vector: Float32Array;
  /** mean activation of the feature map's outer ring divided by that of its centre */
  borderToCentre: number;
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
  /** Vectors plus activation layout; only when info.spatial (the model exposes its feature map). */
  embedWithLayout?(images: ImageSource[]): Promise<LaidOutVector[]>;
  /** Only when info.hasTextTower; otherwise throws AppError MODEL_NO_TEXT. */
  embedTexts(texts: string[]): Promise<Float32Array[]>;
  close(): Promise<void>;
}
