import { dot } from '../embedding/vector.math.ts';

/**
 * "Nothing similar", decided per query against a background gallery (images of things that are not
 * products). A product is shown when its similarity beats the query's k-th most similar background
 * image by the calibrated margin: an unrelated photo resembles the gallery about as much as the
 * catalog, a photo of a product in the catalog resembles that product more. Because the threshold
 * follows each query's own scale, one rule serves cluttered store photos (which score high against
 * everything) and clean shots alike, and the margin is calibrated per model and catalog.
 */

/** the k-th most similar background image sets the bar (k = 10 of ~900 images: its 99th percentile) */
export const BACKGROUND_K = 10;
/**
 * Share of the gallery's own images (each as a query, left out of the gallery) that must come out
 * "nothing similar": the one constant, chosen on the grocery train photos (docs/eval.md) so that
 * about 90% of in-catalog store photos still show their product.
 */
export const BACKGROUND_REJECT = 0.8;
/** images more alike than this are one picture (sizes, recolours): kept once */
const DUPLICATE = 0.95;

/** Gallery without near-duplicates: a picture kept twice would be its own nearest neighbour. */
export function distinct(vectors: Float32Array[]): Float32Array[] {
  const kept: Float32Array[] = [];
  for (const v of vectors) if (!kept.some((k) => dot(k, v) >= DUPLICATE)) kept.push(v);
  return kept;
}

/** The k-th largest similarity of `query` to the gallery, skipping index `skip` (leave-one-out). */
export function kthSimilarity(query: Float32Array, gallery: Float32Array[], k: number, skip = -1): number {
  const top: number[] = []; // ascending, at most k
  for (let i = 0; i < gallery.length; i++) {
    if (i === skip) continue;
    const s = dot(query, gallery[i]!);
    if (top.length < k) {
      top.push(s);
      top.sort((a, b) => a - b);
    } else if (s > top[0]!) {
      top[0] = s;
      top.sort((a, b) => a - b);
    }
  }
  return top.length ? top[0]! : -1;
}

/**
 * The margin: each gallery image is a query against the catalog (`bestCatalog[i]`, its best product
 * similarity) and against the rest of the gallery; the margin is the BACKGROUND_REJECT quantile of
 * (best product − k-th background), so that share of unrelated images gets "nothing similar".
 */
export function calibrateMargin(gallery: Float32Array[], bestCatalog: number[], k: number): number {
  const margins = gallery
    .map((g, i) => bestCatalog[i]! - kthSimilarity(g, gallery, k, i))
    .sort((a, b) => a - b);
  const at = Math.min(margins.length - 1, Math.max(0, Math.ceil(BACKGROUND_REJECT * margins.length) - 1));
  return margins[at]!;
}
