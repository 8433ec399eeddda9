import assert from 'node:assert/strict';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { loadClipTokenizer, type ClipTokenizer } from '../../src/embedding/clip.tokenizer.ts';
import { CLIP_SHARED_DIR } from './fixtures.ts';

const START = 49406;
const END = 49407;

describe('CLIP tokenizer (shared tokenizer.json)', () => {
  let tokenizer: ClipTokenizer;
  before(async () => {
    tokenizer = await loadClipTokenizer(
      path.join(CLIP_SHARED_DIR, 'tokenizer.json'),
      path.join(CLIP_SHARED_DIR, 'tokenizer_config.json'),
      77,
    );
  });

  it('encodes the reference sentence exactly', () => {
    assert.deepEqual(
      tokenizer.encode('a photo of a red square'),
      [49406, 320, 1125, 539, 320, 736, 3999, 49407],
    );
  });

  it('lowercases and collapses whitespace like Python CLIPTokenizer', () => {
    assert.deepEqual(
      tokenizer.encode('  A   PHOTO\tof a\n red  Square '),
      tokenizer.encode('a photo of a red square'),
    );
  });

  it('wraps even empty text in start and end tokens', () => {
    assert.deepEqual(tokenizer.encode(''), [START, END]);
  });

  it('does not let typed-in special tokens end the text early', () => {
    assert.deepEqual(tokenizer.encode('red <|endoftext|> square'), tokenizer.encode('red square'));
  });

  it('truncates to 77 tokens and keeps the end token last', () => {
    const ids = tokenizer.encode('apple '.repeat(200));
    assert.equal(ids.length, 77);
    assert.equal(ids[0], START);
    assert.equal(ids[76], END);
    assert.equal(ids[75], tokenizer.encode('apple')[1]);
  });

  it('pads a batch to its longest row with <|endoftext|> and a zero attention mask', () => {
    const batch = tokenizer.encodeBatch(['a photo of a red square', 'red']);
    assert.equal(batch.rows, 2);
    assert.equal(batch.length, 8);
    const row = (data: BigInt64Array, r: number) => Array.from(data.subarray(r * 8, (r + 1) * 8), Number);
    assert.deepEqual(row(batch.inputIds, 0), [49406, 320, 1125, 539, 320, 736, 3999, 49407]);
    assert.deepEqual(row(batch.inputIds, 1), [START, 736, END, END, END, END, END, END]);
    assert.deepEqual(row(batch.attentionMask, 0), [1, 1, 1, 1, 1, 1, 1, 1]);
    assert.deepEqual(row(batch.attentionMask, 1), [1, 1, 1, 0, 0, 0, 0, 0]);
  });

  it('reports a missing tokenizer file as MODEL_LOAD_FAILED', async () => {
    await assert.rejects(loadClipTokenizer('/nope/tokenizer.json', '/nope/tokenizer_config.json', 77), {
      code: 'MODEL_LOAD_FAILED',
      status: 503,
    });
  });
});
