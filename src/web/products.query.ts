import { z } from 'zod';
import { SORTS } from '../catalog/catalog.types.ts';
import { appError } from '../errors/app-error.ts';

const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
/**
 * Control characters (a NUL above all, which PostgreSQL refuses in text) cannot be typed into a
 * search box; they become spaces, so `q=a%00b` searches "a b" instead of failing.
 */
const withoutControls = (v: unknown) => (typeof v === 'string' ? v.replace(/\p{Cc}/gu, ' ') : v);
const optionalText = (max: number) =>
  z.preprocess((v) => emptyToUndefined(withoutControls(v)), z.string().trim().max(max).optional());
const optionalPrice = z.preprocess(
  (v) => (typeof v === 'string' ? emptyToUndefined(v.replace(',', '.')) : v),
  z.coerce.number().finite().min(0).max(1e12).optional(),
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
