import { z } from 'zod';
import { SORTS } from '../catalog/catalog.types.ts';
import { appError } from '../errors/app-error.ts';
import { parsePrice } from '../i18n/i18n.price.ts';

const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
/**
 * Control characters (a NUL above all, which PostgreSQL refuses in text) cannot be typed into a
 * search box; they become spaces, so `q=a%00b` searches "a b" instead of failing.
 */
const withoutControls = (v: unknown) => (typeof v === 'string' ? v.replace(/\p{Cc}/gu, ' ') : v);
const optionalText = (max: number) =>
  z.preprocess((v) => emptyToUndefined(withoutControls(v)), z.string().trim().max(max).optional());
const MAX_PRICE = 1e12;
// «1 000», «1 000,50», «1000 ₽»: prices as people type them (src/i18n/i18n.price.ts).
const optionalPrice = z.preprocess(
  (v) => (typeof v === 'string' ? (v.trim() === '' ? undefined : parsePrice(v)) : v),
  z.coerce.number().finite().min(0).max(MAX_PRICE).optional(),
);

export const PER_PAGE_CHOICES = [12, 24, 48, 96] as const;

/** The list parameters of /products and /api/products: one schema, so page and API agree. */
export const productListQuerySchema = z
  .object({
    q: optionalText(200),
    category: optionalText(200),
    supplier: optionalText(200),
    price_min: optionalPrice,
    price_max: optionalPrice,
    sort: z.preprocess(emptyToUndefined, z.enum(SORTS).optional()),
    page: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(100_000).default(1)),
    per_page: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(100).default(24)),
    image_search: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .regex(/^[A-Za-z0-9_-]{6,64}$/, 'not a valid search id')
        .optional(),
    ),
    lang: z.preprocess(emptyToUndefined, z.enum(['ru', 'en']).optional()),
  })
  .strict()
  .refine((v) => v.price_min === undefined || v.price_max === undefined || v.price_min <= v.price_max, {
    message: 'price_min must not exceed price_max',
    path: ['price_min'],
  });

export type ProductListQuery = z.infer<typeof productListQuerySchema>;

/** Validation failures become one 400 that names each bad parameter. */
export function parseOrThrow<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const reasons = result.error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys')
      return `unknown parameter ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    const key = issue.path.join('.');
    return key ? `${key}: ${issue.message}` : issue.message;
  });
  const fields = result.error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys' ? issue.keys : [issue.path.join('.') || '?'],
  );
  throw appError('INVALID_PARAMETERS', {
    details: reasons.join('; '),
    fields: [...new Set(fields)].join(', '),
  });
}

type PriceField = 'price_min' | 'price_max';

/** Price filters a page could not use, kept as typed so the person can correct them in place. */
export interface PriceProblems {
  raw: Partial<Record<PriceField, string>>;
  /** fields whose text is not a price */
  notNumber: PriceField[];
  /** both are prices but the minimum is above the maximum */
  range?: { min: number; max: number } | undefined;
}

/**
 * The list parameters of an HTML page: like parseOrThrow, except that a price the person typed
 * wrongly does not cost them the page: it is left out of the query and reported beside its field.
 */
export function parsePageQuery(input: Record<string, unknown>): {
  query: ProductListQuery;
  priceProblems?: PriceProblems;
} {
  const parsed = productListQuerySchema.safeParse(input);
  if (parsed.success) return { query: parsed.data };
  const fields: PriceField[] = ['price_min', 'price_max'];
  const priceOnly = parsed.error.issues.every((i) => fields.includes(i.path[0] as PriceField));
  if (!priceOnly) return { query: parseOrThrow(productListQuerySchema, input) };
  const raw: PriceProblems['raw'] = {};
  const values: Partial<Record<PriceField, number>> = {};
  const notNumber: PriceField[] = [];
  for (const field of fields) {
    const text = typeof input[field] === 'string' ? input[field].trim() : '';
    if (!text) continue;
    raw[field] = text;
    const value = parsePrice(text);
    if (Number.isFinite(value) && value >= 0 && value <= MAX_PRICE) values[field] = value;
    else notNumber.push(field);
  }
  const range =
    values.price_min !== undefined && values.price_max !== undefined && values.price_min > values.price_max
      ? { min: values.price_min, max: values.price_max }
      : undefined;
  const usable = Object.fromEntries(
    fields
      .filter((f) => !range && !notNumber.includes(f) && values[f] !== undefined)
      .map((f) => [f, values[f]]),
  );
  const rest = Object.fromEntries(Object.entries(input).filter(([k]) => !fields.includes(k as PriceField)));
  return {
    query: parseOrThrow(productListQuerySchema, { ...rest, ...usable }),
    priceProblems: { raw, notNumber, range },
  };
}
