import type { Embedder, QueryFraming } from '../embedding/embedding.types.ts';
import { dot } from '../embedding/vector.math.ts';
import type { DecodeLimits } from '../images/images.policy.ts';
import { centerCrops } from '../images/images.transform.ts';

export interface FramedQuery {
  vector: Float32Array;
  /** the crop fractions that joined the whole photo (none for a well-framed one) */
  cropsUsed: number[];
}

/**
 * One query vector per photo, framed for that photo (see QueryFraming): the whole photo, plus the
 * center crops that still agree with it, unless the model's feature map shows a product already
 * isolated on a plain background. A shelf shot gains from the zoom; a tight, well-framed product
 * photo keeps its whole view instead of losing its edges to a fixed crop.
 */
export async function frameQuery(
  embedder: Embedder,
  bytes: Buffer,
  limits: DecodeLimits,
  /** usually embedder.info.queryFraming; null = the whole photo only */
  framing: QueryFraming | null,
): Promise<FramedQuery> {
  if (!framing || framing.crops.length === 0) {
    const [vector] = await embedder.embedImages([bytes]);
    return { vector: vector!, cropsUsed: [] };
  }
  const laidOut =
    framing.quietBorder !== undefined && embedder.embedWithLayout
      ? (await embedder.embedWithLayout([bytes]))[0]!
      : { vector: (await embedder.embedImages([bytes]))[0]!, borderToCentre: 1 };
  const whole = laidOut.vector;
  if (framing.quietBorder !== undefined && laidOut.borderToCentre < framing.quietBorder) {
    return { vector: whole, cropsUsed: [] };
  }
  const crops = await embedder.embedImages(await centerCrops(bytes, framing.crops, limits));
  const sum = whole.map((x) => x * framing.wholeWeight);
  const cropsUsed: number[] = [];
  crops.forEach((crop, i) => {
    if (dot(crop, whole) < framing.minAgreement) return;
    cropsUsed.push(framing.crops[i]!);
    for (let d = 0; d < sum.length; d++) sum[d]! += crop[d]!;
  });
  const norm = Math.hypot(...sum) || 1;
  return { vector: sum.map((x) => x / norm), cropsUsed };
}
