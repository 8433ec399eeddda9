import fs from 'node:fs/promises';
import { Tokenizer } from '@huggingface/tokenizers';
import { appError } from '../errors/app-error.ts';

export interface TokenBatch {
  /** row-major [rows, length], int64 as the ONNX export declares */
  inputIds: BigInt64Array;
  attentionMask: BigInt64Array;
  rows: number;
  length: number;
}

export interface ClipTokenizer {
  encode(text: string): number[];
  encodeBatch(texts: readonly string[]): TokenBatch;
}

const SPECIAL_TOKENS = /<\|startoftext\|>|<\|endoftext\|>/g;

/**
 * CLIP's BPE from tokenizer.json. Its normalizer already does what Python's CLIPTokenizer does by hand
 * (NFC, whitespace runs to one space, lowercase); the post-processor adds <|startoftext|> and
 * <|endoftext|>.
 */
export async function loadClipTokenizer(
  tokenizerJsonPath: string,
  tokenizerConfigPath: string,
  maxTokens: number,
): Promise<ClipTokenizer> {
  let tokenizer: Tokenizer;
  try {
    const [json, config] = await Promise.all([readJson(tokenizerJsonPath), readJson(tokenizerConfigPath)]);
    tokenizer = new Tokenizer(json, config);
  } catch (error) {
    throw appError(
      'MODEL_LOAD_FAILED',
      {
        details: `Could not load the CLIP tokenizer from ${tokenizerJsonPath}: ${error instanceof Error ? error.message : String(error)}`,
      },
      { cause: error },
    );
  }
  const endId = requireId(tokenizer, '<|endoftext|>');
  // The Xenova export pads with <|endoftext|> (its pad_token). The tower pools at the first
  // <|endoftext|> under a causal mask, so padding never changes a row's embedding.
  const padId = endId;

  const encode = (text: string): number[] => {
    // Typed-in "<|endoftext|>" would otherwise become the real token and end the text early.
    const ids = tokenizer.encode(text.replace(SPECIAL_TOKENS, ' ').trim()).ids;
    // Truncate but keep the end token: the tower reads its output at <|endoftext|>.
    return ids.length <= maxTokens ? ids : [...ids.slice(0, maxTokens - 1), endId];
  };

  return {
    encode,
    encodeBatch(texts) {
      const encoded = texts.map(encode);
      const length = Math.max(1, ...encoded.map((ids) => ids.length));
      const inputIds = new BigInt64Array(texts.length * length).fill(BigInt(padId));
      const attentionMask = new BigInt64Array(texts.length * length);
      encoded.forEach((ids, row) => {
        ids.forEach((id, i) => {
          inputIds[row * length + i] = BigInt(id);
          attentionMask[row * length + i] = 1n;
        });
      });
      return { inputIds, attentionMask, rows: texts.length, length };
    },
  };
}

async function readJson(file: string): Promise<object> {
  return JSON.parse(await fs.readFile(file, 'utf8')) as object;
}

function requireId(tokenizer: Tokenizer, token: string): number {
  const id = tokenizer.token_to_id(token);
  if (id === undefined) throw new Error(`tokenizer has no ${token} token`);
  return id;
}
