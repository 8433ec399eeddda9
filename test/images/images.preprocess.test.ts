import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { AutoProcessor, env, RawImage } from '@huggingface/transformers';
import sharp from 'sharp';
import { preprocessImage, toNormalizedChw } from '../../src/images/images.preprocess.ts';
import { getModelEntry, type ImagePreprocessing } from '../../src/embedding/model.registry.ts';
import { PHOTOS, SHARED_DIR } from '../embedding/fixtures.ts';
import { pilResize } from '../embedding/pil-resize.ts';

const CLIP = getModelEntry('clip-vit-b32').preprocessing;
const IMAGENET = getModelEntry('mobilenetv2-int8').preprocessing;
const LIMITS = { maxPixels: 50_000_000 };
const PLANE = 224 * 224;

const at = (t: Float32Array, c: number, y: number, x: number) => t[c * PLANE + y * 224 + x]!;

/** With a message: assert.ok without one re-parses the source on failure, which takes a minute under tsx. */
function near(actual: number, expected: number, tolerance: number, label: string) {
  assert.ok(
    Math.abs(actual - expected) <= tolerance,
    `${label}: ${actual}, expected ${expected} ± ${tolerance}`,
  );
}
const normalized = (spec: ImagePreprocessing, c: 0 | 1 | 2, v: number) =>
  (v / 255 - spec.mean[c]) / spec.std[c];

/** mean and 99th percentile of |a - b|, in normalized units (one 8-bit grey level is ~0.015) */
function difference(a: Float32Array, b: Float32Array) {
  assert.equal(a.length, b.length);
  const d = Array.from(a, (v, i) => Math.abs(v - b[i]!)).sort((x, y) => x - y);
  return { mean: d.reduce((s, v) => s + v, 0) / d.length, p99: d[Math.floor(d.length * 0.99)]! };
}

const rawPng = (data: Buffer, width: number, height: number, channels: 3 | 4 = 3) =>
  sharp(data, { raw: { width, height, channels } }).png().toBuffer();

const solid = (width: number, height: number, background: string) =>
  sharp({ create: { width, height, channels: 3, background } })
    .png()
    .toBuffer();

/** Pillow's resize + the same crop/normalize: what Python's CLIPImageProcessor computes. */
async function pilReference(input: string | Buffer, spec: ImagePreprocessing): Promise<Float32Array> {
  const { data, info } = await sharp(input)
    .rotate()
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const short = Math.min(info.width, info.height);
  const size = spec.resizeShortestSide;
  const width = info.width === short ? size : Math.floor((size * info.width) / short);
  const height = info.height === short ? size : Math.floor((size * info.height) / short);
  const resized = pilResize(data, info.width, info.height, width, height, spec.resample);
  return toNormalizedChw({ data: Buffer.from(resized), width, height }, spec);
}

describe('preprocessImage: layout and golden values', () => {
  it('returns a CHW float32 tensor of 3 x crop x crop', async () => {
    const clip = await preprocessImage(PHOTOS.portrait, CLIP, LIMITS);
    const imagenet = await preprocessImage(PHOTOS.portrait, IMAGENET, LIMITS);
    assert.ok(clip instanceof Float32Array, 'a Float32Array');
    assert.equal(clip.length, 3 * 224 * 224);
    assert.equal(imagenet.length, 3 * 224 * 224);
  });

  it('normalizes each channel with the preset mean and std (solid colour, any size)', async () => {
    for (const spec of [CLIP, IMAGENET]) {
      const tensor = await preprocessImage(await solid(300, 500, 'rgb(200,100,50)'), spec, LIMITS);
      const expected = [normalized(spec, 0, 200), normalized(spec, 1, 100), normalized(spec, 2, 50)];
      for (let c = 0; c < 3; c++) {
        for (const [y, x] of [
          [0, 0],
          [111, 57],
          [223, 223],
        ] as const) {
          near(at(tensor, c, y, x), expected[c]!, 1e-5, `channel ${c} at ${y},${x}`);
        }
      }
    }
  });

  it('puts pixel (x, y) of an image already at crop size at [c][y][x]', async () => {
    const data = Buffer.alloc(224 * 224 * 3);
    for (let y = 0; y < 224; y++) {
      for (let x = 0; x < 224; x++) data.set([x, y, (x * 7 + y) % 256], (y * 224 + x) * 3);
    }
    const tensor = await preprocessImage(await rawPng(data, 224, 224), CLIP, LIMITS);
    for (const [y, x] of [
      [0, 0],
      [0, 223],
      [200, 10],
      [223, 223],
    ] as const) {
      near(at(tensor, 0, y, x), normalized(CLIP, 0, x), 1e-5, `R at ${y},${x}`);
      near(at(tensor, 1, y, x), normalized(CLIP, 1, y), 1e-5, `G at ${y},${x}`);
      near(at(tensor, 2, y, x), normalized(CLIP, 2, (x * 7 + y) % 256), 1e-5, `B at ${y},${x}`);
    }
  });

  it('centre-crops the long side with floor((size - crop) / 2), like transformers and torchvision', async () => {
    // 224 x 300: already the right short side, so the crop is the only step; rows are numbered in G.
    const tall = Buffer.alloc(224 * 300 * 3);
    for (let y = 0; y < 300; y++) for (let x = 0; x < 224; x++) tall[(y * 224 + x) * 3 + 1] = y % 256;
    const clip = await preprocessImage(await rawPng(tall, 224, 300), CLIP, LIMITS);
    near(at(clip, 1, 0, 5), normalized(CLIP, 1, 38), 1e-5, 'first row is source row 38');
    near(at(clip, 1, 223, 5), normalized(CLIP, 1, (38 + 223) % 256), 1e-5, 'last row is source row 261');

    // ImageNet: 256 x 256 is already "shorter side 256", so the 224 crop starts at 16.
    const square = Buffer.alloc(256 * 256 * 3);
    for (let y = 0; y < 256; y++) for (let x = 0; x < 256; x++) square.set([x, y, 0], (y * 256 + x) * 3);
    const imagenet = await preprocessImage(await rawPng(square, 256, 256), IMAGENET, LIMITS);
    near(at(imagenet, 0, 0, 0), normalized(IMAGENET, 0, 16), 1e-5, 'first column is source column 16');
    near(at(imagenet, 1, 223, 0), normalized(IMAGENET, 1, 16 + 223), 1e-5, 'last row is source row 239');
  });

  it('keeps golden values for a real photo (regression guard for the whole pipeline)', async () => {
    const tensor = await preprocessImage(PHOTOS.apple1, CLIP, LIMITS);
    const pil = await pilReference(PHOTOS.apple1, CLIP);
    const golden = [
      [0, 0, 0, GOLDEN_APPLE[0]],
      [1, 112, 112, GOLDEN_APPLE[1]],
      [2, 223, 223, GOLDEN_APPLE[2]],
      [0, 50, 170, GOLDEN_APPLE[3]],
    ] as const;
    for (const [c, y, x, value] of golden) {
      near(at(tensor, c, y, x), value, 1e-3, `[${c}][${y}][${x}]`);
      // the golden values themselves are within two grey levels of Pillow
      near(at(pil, c, y, x), value, 0.03, `Pillow [${c}][${y}][${x}]`);
    }
  });
});

/** Recorded from this pipeline (sharp 0.35 / libvips 8.18) and cross-checked against the Pillow oracle below. */
const GOLDEN_APPLE = [0.5581, 0.6942, 0.667, 1.6238] as const;

describe('preprocessImage: CLIP tensor against references', () => {
  let processor: (image: RawImage) => Promise<{ pixel_values: { data: Float32Array; dims: number[] } }>;

  before(async () => {
    // Offline: the processor config is read from shared/models/clip-vit-base-patch32.
    env.allowRemoteModels = false;
    env.localModelPath = `${SHARED_DIR}/models`;
    const loaded = await AutoProcessor.from_pretrained('clip-vit-base-patch32');
    processor = (image) => loaded(image);
  });

  const transformersJs = async (input: string | Buffer) => {
    const image = await RawImage.read(typeof input === 'string' ? input : new Blob([new Uint8Array(input)]));
    const { pixel_values } = await processor(image);
    assert.deepEqual(pixel_values.dims, [1, 3, 224, 224]);
    return pixel_values.data;
  };

  it('agrees with the registry entry on the processor config', async () => {
    const config = (await import(`${SHARED_DIR}/models/clip-vit-base-patch32/preprocessor_config.json`, {
      with: { type: 'json' },
    })) as {
      default: {
        size: { shortest_edge: number };
        crop_size: { height: number };
        image_mean: number[];
        image_std: number[];
        resample: number;
      };
    };
    const { size, crop_size, image_mean, image_std, resample } = config.default;
    assert.equal(CLIP.resizeShortestSide, size.shortest_edge);
    assert.equal(CLIP.cropSize, crop_size.height);
    assert.deepEqual([...CLIP.mean], image_mean);
    assert.deepEqual([...CLIP.std], image_std);
    assert.equal(resample, 3); // PIL.Image.BICUBIC
    assert.equal(CLIP.resample, 'bicubic');
  });

  it('matches transformers.js CLIPImageProcessor on an upscaled catalog shot', async () => {
    const d = difference(
      await preprocessImage(PHOTOS.asparagusIconic, CLIP, LIMITS),
      await transformersJs(PHOTOS.asparagusIconic),
    );
    // measured: mean 0.008, p99 0.13 (transformers.js samples pixel corners, Pillow and we pixel centres)
    assert.ok(d.mean < 0.015 && d.p99 < 0.2, JSON.stringify(d));
  });

  it('matches transformers.js CLIPImageProcessor when downscaling smooth content', async () => {
    const width = 448;
    const height = 336;
    const data = Buffer.alloc(width * height * 3);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        data[(y * width + x) * 3] = Math.round(127 + 120 * Math.sin(x / 40));
        data[(y * width + x) * 3 + 1] = Math.round((255 * y) / height);
        data[(y * width + x) * 3 + 2] = Math.round(127 + 120 * Math.cos((x + y) / 60));
      }
    }
    const image = await rawPng(data, width, height);
    const d = difference(await preprocessImage(image, CLIP, LIMITS), await transformersJs(image));
    // measured: mean 0.006, p99 0.03
    assert.ok(d.mean < 0.01 && d.p99 < 0.05, JSON.stringify(d));
  });

  it('follows Pillow (Python CLIP) on downscaled photos, where transformers.js skips antialiasing', async () => {
    for (const photo of [PHOTOS.apple1, PHOTOS.portrait]) {
      const pil = await pilReference(photo, CLIP);
      const ours = difference(await preprocessImage(photo, CLIP, LIMITS), pil);
      const theirs = difference(await transformersJs(photo), pil);
      // measured: ours mean 0.003 / p99 0.015 (about one grey level); transformers.js mean 0.02-0.035
      assert.ok(ours.mean < 0.006 && ours.p99 < 0.03, `ours ${JSON.stringify(ours)}`);
      assert.ok(
        theirs.mean > 3 * ours.mean,
        `transformers.js ${JSON.stringify(theirs)} vs ours ${JSON.stringify(ours)}`,
      );
    }
  });

  it('follows torchvision/Pillow bilinear for the ImageNet preset', async () => {
    const d = difference(
      await preprocessImage(PHOTOS.portrait, IMAGENET, LIMITS),
      await pilReference(PHOTOS.portrait, IMAGENET),
    );
    assert.ok(d.mean < 0.01 && d.p99 < 0.05, JSON.stringify(d));
  });
});

describe('preprocessImage: awkward inputs', () => {
  it('applies EXIF orientation before resizing', async () => {
    // Stored 40x20: left half red, right half blue. Orientation 6 displays it rotated 90° clockwise,
    // so the viewer sees 20x40 with red on top.
    const stored = Buffer.alloc(40 * 20 * 3);
    for (let y = 0; y < 20; y++)
      for (let x = 0; x < 40; x++) stored.set(x < 20 ? [255, 0, 0] : [0, 0, 255], (y * 40 + x) * 3);
    const jpeg = await sharp(stored, { raw: { width: 40, height: 20, channels: 3 } })
      .withMetadata({ orientation: 6 })
      .jpeg({ quality: 100 })
      .toBuffer();
    const tensor = await preprocessImage(jpeg, CLIP, LIMITS);
    assert.ok(at(tensor, 0, 20, 112) > 1.5 && at(tensor, 2, 20, 112) < -1, 'top is red');
    assert.ok(at(tensor, 2, 203, 112) > 1.5 && at(tensor, 0, 203, 112) < -1, 'bottom is blue');
  });

  it('flattens transparency onto white', async () => {
    const transparentBlack = Buffer.alloc(50 * 50 * 4); // rgba(0,0,0,0)
    const tensor = await preprocessImage(await rawPng(transparentBlack, 50, 50, 4), CLIP, LIMITS);
    for (const c of [0, 1, 2] as const)
      near(at(tensor, c, 100, 100), normalized(CLIP, c, 255), 1e-5, `channel ${c}`);
  });

  it('expands greyscale to three equal channels', async () => {
    const grey = await sharp({ create: { width: 60, height: 40, channels: 3, background: '#808080' } })
      .toColourspace('b-w')
      .png()
      .toBuffer();
    assert.equal((await sharp(grey).metadata()).channels, 1);
    const tensor = await preprocessImage(grey, CLIP, LIMITS);
    for (const c of [0, 1, 2] as const)
      near(at(tensor, c, 50, 50), normalized(CLIP, c, 128), 1e-5, `channel ${c}`);
  });

  it('converts CMYK JPEGs to sRGB', async () => {
    const cmyk = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#ff0000' } })
      .toColourspace('cmyk')
      .jpeg()
      .toBuffer();
    assert.equal((await sharp(cmyk).metadata()).space, 'cmyk');
    const tensor = await preprocessImage(cmyk, CLIP, LIMITS);
    assert.ok(at(tensor, 0, 112, 112) > 1.4, 'red stays red');
    assert.ok(at(tensor, 1, 112, 112) < -1.5 && at(tensor, 2, 112, 112) < -1.3, 'no green or blue');
  });

  it('uses only the first frame of an animated GIF or WebP', async () => {
    // two 10x10 frames: red, then blue
    const frames = Buffer.alloc(10 * 20 * 3);
    for (let i = 0; i < 200; i++) frames[i * 3 + (i < 100 ? 0 : 2)] = 255;
    const animation = sharp(frames, { raw: { width: 10, height: 20, channels: 3, pageHeight: 10 } });
    for (const encoded of [
      await animation.clone().gif().toBuffer(),
      await animation.clone().webp({ lossless: true }).toBuffer(),
    ]) {
      assert.equal((await sharp(encoded).metadata()).pages, 2);
      const tensor = await preprocessImage(encoded, CLIP, LIMITS);
      near(at(tensor, 0, 112, 112), normalized(CLIP, 0, 255), 1e-5, 'red from the first frame');
      near(at(tensor, 2, 112, 112), normalized(CLIP, 2, 0), 1e-5, 'no blue from the second frame');
    }
  });

  it('keeps the centre of a very wide image as Pillow does', async () => {
    // 600 x 20 (30:1) is trimmed to its centre 80 x 20 before resizing; the crop must not notice.
    const data = Buffer.alloc(600 * 20 * 3);
    for (let x = 0; x < 600; x++)
      for (let y = 0; y < 20; y++) data.set([x % 256, (x * 3) % 256, y * 10], (y * 600 + x) * 3);
    const banner = await rawPng(data, 600, 20);
    const d = difference(await preprocessImage(banner, CLIP, LIMITS), await pilReference(banner, CLIP));
    // measured: mean 0.02 (an 11x upscale, where edge handling differs most from Pillow)
    assert.ok(d.mean < 0.03, JSON.stringify(d));
  });

  // Without the trim this banner (legal under the pixel limit) is resized to 1,120,000 x 224:
  // 10 s and 750 MB here. With it: ~20 ms. The timeout is a wide margin, not a benchmark.
  it('does not build a huge intermediate image for extreme aspect ratios', { timeout: 5000 }, async () => {
    const banner = await sharp({ create: { width: 40_000, height: 8, channels: 3, background: '#336699' } })
      .png()
      .toBuffer();
    const tensor = await preprocessImage(banner, CLIP, LIMITS);
    near(at(tensor, 2, 112, 112), normalized(CLIP, 2, 0x99), 1e-5, 'blue of the banner');
  });

  it('refuses images above the pixel limit with IMAGE_TOO_MANY_PIXELS (413) before decoding', async () => {
    await assert.rejects(preprocessImage(PHOTOS.apple1, CLIP, { maxPixels: 348 * 348 - 1 }), {
      code: 'IMAGE_TOO_MANY_PIXELS',
      status: 413,
    });
    await preprocessImage(PHOTOS.apple1, CLIP, { maxPixels: 348 * 348 });
  });

  it('refuses undecodable and truncated data with IMAGE_UNDECODABLE (400)', async () => {
    const jpeg = await sharp({ create: { width: 300, height: 300, channels: 3, background: '#f00' } })
      .jpeg()
      .toBuffer();
    for (const bad of [Buffer.from('GIF89a but not really'), Buffer.alloc(0), jpeg.subarray(0, 400)]) {
      await assert.rejects(preprocessImage(bad, CLIP, LIMITS), { code: 'IMAGE_UNDECODABLE', status: 400 });
    }
  });

  it('reports a missing file as IMAGE_FILE_NOT_FOUND', async () => {
    await assert.rejects(preprocessImage('/no/such/file.jpg', CLIP, LIMITS), {
      code: 'IMAGE_FILE_NOT_FOUND',
    });
  });
});
