import type { DecodeLimits } from '../images/images.policy.ts';
import { probeQueryImage } from '../images/images.probe.ts';
import { centerCrops, squareThumbnail } from '../images/images.transform.ts';

/** What a photo query goes through before the model: checks, crops, the thumbnail a saved search keeps. */

/** Type by content (not by name or header), and the pixel limit before any decoding. */
export async function validateQueryImage(bytes: Buffer, maxPixels: number): Promise<void> {
  await probeQueryImage(bytes, maxPixels);
}

/** The photo at each crop fraction; [1] is the photo itself, untouched. */
export async function queryCrops(
  bytes: Buffer,
  fractions: readonly number[],
  limits: DecodeLimits,
): Promise<Buffer[]> {
  return fractions.length === 1 && fractions[0] === 1 ? [bytes] : centerCrops(bytes, fractions, limits);
}

/** Null when none can be made: a saved search without a thumbnail still works. */
export async function queryThumbnail(bytes: Buffer, limits: DecodeLimits): Promise<Buffer | null> {
  try {
    return await squareThumbnail(bytes, 160, limits);
  } catch {
    return null;
  }
}
