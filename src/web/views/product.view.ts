import type { ProductDetail } from '../../catalog/catalog.types.ts';
import { formatPrice } from '../../i18n/i18n.format.ts';
import type { WordKey } from '../../i18n/i18n.words.ts';
import { html } from '../html.ts';
import { DISPLAY_SIZES } from '../thumbnails.ts';
import { canEdit, layout, localHref, type PageContext } from './layout.view.ts';
import { productImage } from './product-image.view.ts';
import { similarButton } from './products.view.ts';

export interface ProductPageOptions {
  /** «Похожие» is offered when search by photo can be used */
  similar: boolean;
  /** the list this page was opened from (a /products URL), so the way back keeps the search */
  from?: string | undefined;
}

export function productPage(ctx: PageContext, product: ProductDetail, options: ProductPageOptions): string {
  const { t, lang } = ctx;
  const price = formatPrice(product.price, product.currency, lang);
  const [main, ...rest] = product.images;
  const attributes = Object.entries(product.attributes).filter(([, v]) => v !== null && v !== '');
  const back = options.from ?? '/products';
  return layout(
    ctx,
    product.name,
    html`<a
        href="${localHref(ctx, back)}"
        class="inline-flex items-center gap-1 rounded-lg py-2 text-sm font-medium text-violet-700 hover:underline"
        data-testid="back"
        >← ${options.from && options.from !== '/products' ? t('backToResults') : t('backToAll')}</a
      >
      <article
        class="mt-2 grid gap-6 rounded-2xl border border-slate-200 bg-white p-4 shadow-sm sm:p-6 md:grid-cols-[auto_minmax(0,1fr)] md:gap-8"
      >
        <div class="min-w-0 md:max-w-[37rem]">
          <!-- The photo at its own size (never upscaled), up to the column's width, on a neutral ground. -->
          <div
            class="grid min-h-[16rem] w-full place-items-center overflow-hidden rounded-xl bg-white p-4 ring-1 ring-slate-100 md:min-w-[20rem]"
          >
            ${
              main
                ? html`<a
                    href="/media/${main.sha256}"
                    target="_blank"
                    rel="noopener"
                    title="${t('openOriginal')}"
                    class="grid h-full w-full place-items-center"
                  >
                    ${productImage(ctx, main.sha256, {
                      alt: product.name,
                      size: DISPLAY_SIZES.main,
                      natural: main,
                      eager: true,
                      testId: 'main-image',
                    })}
                  </a>`
                : productImage(ctx, null, { alt: product.name, size: DISPLAY_SIZES.main })
            }
          </div>
          ${
            rest.length
              ? html`<ul class="mt-3 grid grid-cols-4 gap-2" aria-label="${t('images')}">
                  ${rest.map(
                    (img) =>
                      html`<li>
                        <a
                          href="/media/${img.sha256}"
                          target="_blank"
                          rel="noopener"
                          title="${t('openOriginal')}"
                          class="grid aspect-square place-items-center overflow-hidden rounded-lg bg-white ring-1 ring-slate-200 hover:ring-violet-400"
                          >${productImage(ctx, img.sha256, { alt: '', size: DISPLAY_SIZES.strip, natural: img })}</a
                        >
                      </li>`,
                  )}
                </ul>`
              : ''
          }
        </div>
        <div class="flex min-w-0 flex-col gap-4">
          <p class="text-sm text-slate-500">${product.category ?? ''}</p>
          <h1 class="break-words text-2xl font-semibold leading-tight text-slate-900">${product.name}</h1>
          <p
            class="${price ? 'text-3xl font-bold text-slate-900' : 'text-lg text-slate-400'}"
            data-testid="price"
          >
            ${price ?? t('priceOnRequest')}
          </p>
          <div class="flex flex-wrap items-center gap-3">
            ${options.similar && main ? similarButton(ctx, product.id, 'large') : ''}
            ${
              canEdit(ctx)
                ? html`<a
                    href="${localHref(ctx, `/products/${product.id}/edit`)}"
                    class="rounded-xl px-4 py-2 font-medium text-slate-700 ring-1 ring-slate-300 hover:bg-slate-50"
                    data-testid="edit-product"
                    >${t('edit')}</a
                  >`
                : ''
            }
          </div>
          <dl class="grid grid-cols-[auto_minmax(0,1fr)] gap-x-6 gap-y-2 text-sm">
            <dt class="text-slate-500">${t('sku')}</dt>
            <dd class="font-mono">${product.sku}</dd>
            ${
              product.supplier
                ? html`<dt class="text-slate-500">${t('supplier')}</dt>
                    <dd>${product.supplier}</dd>`
                : ''
            }
            ${attributes.map(
              ([k, v]) =>
                html`<dt class="text-slate-500">${attributeLabel(ctx, k)}</dt>
                  <dd class="break-words">${attributeValue(v)}</dd>`,
            )}
          </dl>
          ${
            product.description
              ? html`<section>
                  <h2 class="mb-1 text-sm font-semibold uppercase tracking-wide text-slate-500">
                    ${t('description')}
                  </h2>
                  <p class="break-words leading-relaxed text-slate-700" data-testid="description">
                    ${lines(product.description)}
                  </p>
                </section>`
              : ''
          }
        </div>
      </article>`,
  );
}

/** Attribute keys the importers write have words; other keys are shown as they were imported. */
const ATTRIBUTE_WORDS: Record<string, WordKey> = {
  origin: 'attr_origin',
  url: 'attr_url',
  dataset: 'attr_dataset',
};

function attributeLabel(ctx: PageContext, key: string): string {
  const word = ATTRIBUTE_WORDS[key];
  return word ? ctx.t(word) : key;
}

/** The description's own line breaks, kept (the template's indentation must not show). */
const lines = (text: string) => text.split(/\r?\n/).map((line, i) => (i ? html`<br />${line}` : line));

function attributeValue(v: unknown) {
  const text = typeof v === 'string' ? v : JSON.stringify(v);
  return /^https?:\/\//.test(text)
    ? html`<a
        class="break-all text-violet-700 hover:underline"
        href="${text}"
        rel="noopener nofollow"
        target="_blank"
        >${text}</a
      >`
    : text;
}
