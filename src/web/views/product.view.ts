import type { ProductDetail } from '../../catalog/catalog.types.ts';
import { html } from '../html.ts';
import { adminTranslator, formatPrice } from '../i18n.ts';
import { layout, type PageContext } from './layout.view.ts';
import { similarButton, thumbUrl } from './products.view.ts';

export function productPage(ctx: PageContext, product: ProductDetail, similar = false): string {
  const { t, lang } = ctx;
  const price = formatPrice(product.price, product.currency, lang);
  const [main, ...rest] = product.images;
  const attributes = Object.entries(product.attributes).filter(([, v]) => v !== null && v !== '');
  return layout(
    ctx,
    product.name,
    html`<a href="/products${lang === 'en' ? '?lang=en' : ''}" class="text-sm text-violet-700 hover:underline"
        >← ${t.back}</a
      >
      <article
        class="mt-4 grid gap-8 rounded-2xl border border-slate-200 bg-white p-6 shadow-sm md:grid-cols-2"
      >
        <div>
          ${
            main
              ? html`<a href="/media/${main.sha256}" target="_blank" rel="noopener"
                  ><img
                    src="${thumbUrl(main.sha256, 960)}"
                    alt="${product.name}"
                    class="aspect-square w-full rounded-xl bg-slate-100 object-contain"
                    data-testid="main-image"
                /></a>`
              : html`<div
                  class="grid aspect-square place-items-center rounded-xl bg-slate-100 text-slate-300"
                >
                  —
                </div>`
          }
          ${
            rest.length
              ? html`<ul class="mt-3 grid grid-cols-4 gap-2" aria-label="${t.images}">
                  ${rest.map(
                    (img) =>
                      html`<li>
                        <a href="/media/${img.sha256}" target="_blank" rel="noopener"
                          ><img
                            src="${thumbUrl(img.sha256, 320)}"
                            alt=""
                            loading="lazy"
                            class="aspect-square w-full rounded-lg bg-slate-100 object-cover ring-1 ring-slate-200 hover:ring-violet-400"
                        /></a>
                      </li>`,
                  )}
                </ul>`
              : ''
          }
        </div>
        <div class="flex flex-col gap-4">
          <p class="text-sm text-slate-500">${product.category ?? ''}</p>
          <h1 class="text-2xl font-semibold leading-tight text-slate-900">${product.name}</h1>
          <p class="${price ? 'text-3xl font-bold text-slate-900' : 'text-lg text-slate-400'}">
            ${price ?? t.priceOnRequest}
          </p>
          <div class="flex flex-wrap items-center gap-3">
            ${similar && main ? similarButton(ctx, product.id, 'large') : ''}
            <a
              href="/products/${product.id}/edit${lang === 'en' ? '?lang=en' : ''}"
              class="rounded-xl px-4 py-2 font-medium text-slate-700 ring-1 ring-slate-300 hover:bg-slate-50"
              data-testid="edit-product"
              >${adminTranslator(lang)('edit')}</a
            >
          </div>
          <dl class="grid grid-cols-[auto_1fr] gap-x-6 gap-y-2 text-sm">
            <dt class="text-slate-500">${t.sku}</dt>
            <dd class="font-mono">${product.sku}</dd>
            ${
              product.supplier
                ? html`<dt class="text-slate-500">${t.supplier}</dt>
                    <dd>${product.supplier}</dd>`
                : ''
            }
            ${attributes.map(
              ([k, v]) =>
                html`<dt class="text-slate-500">${attributeLabel(k, lang)}</dt>
                  <dd class="break-words">${attributeValue(v)}</dd>`,
            )}
          </dl>
          ${
            product.description
              ? html`<section>
                  <h2 class="mb-1 text-sm font-semibold uppercase tracking-wide text-slate-500">
                    ${t.description}
                  </h2>
                  <p class="whitespace-pre-line leading-relaxed text-slate-700">${product.description}</p>
                </section>`
              : ''
          }
        </div>
      </article>`,
  );
}

/** Labels for attribute keys the importers write; other keys are shown as they were imported. */
const ATTRIBUTE_LABELS: Record<string, { ru: string; en: string }> = {
  origin: { ru: 'Страна и объём', en: 'Origin and size' },
  url: { ru: 'Страница товара', en: 'Product page' },
  dataset: { ru: 'Источник', en: 'Source' },
};

function attributeLabel(key: string, lang: 'ru' | 'en'): string {
  return ATTRIBUTE_LABELS[key]?.[lang] ?? key;
}

function attributeValue(v: unknown) {
  const text = typeof v === 'string' ? v : JSON.stringify(v);
  return /^https?:\/\//.test(text)
    ? html`<a class="text-violet-700 hover:underline" href="${text}" rel="noopener nofollow" target="_blank"
        >${text}</a
      >`
    : text;
}
