import type { Facet } from '../../catalog/catalog.repository.ts';
import type { ProductPage, ProductSummary } from '../../catalog/catalog.types.ts';
import { SORTS } from '../../catalog/catalog.types.ts';
import { html, type SafeHtml } from '../html.ts';
import { formatPrice } from '../i18n.ts';
import type { ProductListQuery } from '../products.query.ts';
import { PER_PAGE_CHOICES } from '../products.query.ts';
import { layout, type PageContext } from './layout.view.ts';
import { photoModal } from './photo-modal.view.ts';

export interface PhotoSearchBanner {
  id: string;
  count: number;
  queryImageUrl: string | null;
  /** nothing passed the threshold: these are the closest few, asked for («может быть, вы искали») */
  nothingSimilar?: boolean;
}

export interface ProductsView {
  query: ProductListQuery;
  result: ProductPage;
  facets: { categories: Facet[]; suppliers: Facet[] };
  catalogSize: number;
  photoSearch?: PhotoSearchBanner | undefined;
  /** false when search by photo is unavailable: the button is hidden */
  photoSearchEnabled: boolean;
  /** the serving model's default similarity threshold (the modal's slider starts there) */
  photoThreshold?: number | undefined;
  notices?: SafeHtml[];
  indexing?: { embedded: number; total: number; eta_s: number | null } | undefined;
}

export const thumbUrl = (sha256: string, width: number) => `/media/${sha256}?w=${width}`;

/** Builds a /products link keeping the current parameters, with some changed or removed. */
export function listUrl(
  query: ProductListQuery,
  changes: Record<string, string | number | undefined>,
): string {
  const params = new URLSearchParams();
  const merged: Record<string, unknown> = { ...query, ...changes };
  for (const [key, value] of Object.entries(merged)) {
    if (value === undefined || value === null || value === '') continue;
    if (key === 'page' && value === 1) continue;
    if (key === 'per_page' && value === 24) continue;
    params.set(key, String(value));
  }
  const qs = params.toString();
  return `/products${qs ? `?${qs}` : ''}`;
}

export function productsPage(ctx: PageContext, view: ProductsView): string {
  const { t } = ctx;
  const { query, result } = view;
  const title = query.q ? `${query.q}` : t.appName;
  return layout(
    ctx,
    title,
    html`
      ${searchBar(ctx, view)} ${view.indexing ? indexingNote(ctx, view.indexing) : ''} ${view.notices ?? []}
      ${view.photoSearch ? photoBanner(ctx, view) : ''}
      <div class="mt-6 grid gap-6 lg:grid-cols-[16rem_1fr]">
        ${filtersPanel(ctx, view)}
        <section aria-label="results">
          ${toolbar(ctx, view)}
          ${result.fuzzy ? html`<p class="mb-4 rounded-lg bg-amber-50 px-4 py-2 text-sm text-amber-800" data-testid="fuzzy-note">${t.fuzzyNote}</p>` : ''}
          ${result.items.length ? grid(ctx, result.items, view.photoSearchEnabled) : emptyState(ctx, view)}
          ${pagination(ctx, view)}
        </section>
      </div>
      ${view.photoSearchEnabled ? photoModal(ctx, view.photoThreshold ?? 0.5) : ''}
    `,
    view.photoSearchEnabled
      ? {
          scripts: ['/assets/products.js', '/assets/photo-search.js'],
          vendorScripts: ['/vendor/cropperjs/cropper.min.js'],
          styles: ['/vendor/cropperjs/cropper.min.css'],
        }
      : { scripts: ['/assets/products.js'] },
  );
}

function searchBar(ctx: PageContext, view: ProductsView) {
  const { t } = ctx;
  const photoMode = Boolean(view.photoSearch);
  return html`<form method="get" action="/products" class="flex flex-col gap-3 sm:flex-row" role="search">
    ${ctx.lang === 'en' ? html`<input type="hidden" name="lang" value="en" />` : ''}
    <label class="relative flex-1">
      <span class="sr-only">${t.search}</span>
      <svg
        class="pointer-events-none absolute left-3 top-1/2 h-5 w-5 -translate-y-1/2 text-slate-400"
        viewBox="0 0 24 24"
        fill="none"
        stroke="currentColor"
        stroke-width="2"
        aria-hidden="true"
      >
        <circle cx="11" cy="11" r="7" />
        <path d="m20 20-3.5-3.5" />
      </svg>
      <input
        type="search"
        name="q"
        value="${view.query.q ?? ''}"
        placeholder="${t.searchPlaceholder}"
        ${photoMode ? 'disabled' : ''}
        class="w-full rounded-xl border border-slate-300 bg-white py-3 pl-10 pr-4 text-base shadow-sm outline-none transition focus:border-violet-500 focus:ring-4 focus:ring-violet-100 disabled:cursor-not-allowed disabled:bg-slate-100"
        autocomplete="off"
      />
    </label>
    <button
      type="submit"
      ${photoMode ? 'disabled' : ''}
      class="rounded-xl bg-slate-900 px-6 py-3 font-medium text-white shadow-sm transition hover:bg-slate-700 disabled:cursor-not-allowed disabled:opacity-50"
    >
      ${t.search}
    </button>
    ${
      view.photoSearchEnabled
        ? html`<button
            type="button"
            id="photo-search-open"
            class="inline-flex items-center justify-center gap-2 rounded-xl bg-violet-600 px-5 py-3 font-medium text-white shadow-sm transition hover:bg-violet-700 focus:outline-none focus:ring-4 focus:ring-violet-200"
          >
            <svg
              viewBox="0 0 24 24"
              class="h-5 w-5"
              fill="none"
              stroke="currentColor"
              stroke-width="2"
              aria-hidden="true"
            >
              <rect x="3" y="4" width="18" height="16" rx="2" />
              <circle cx="9" cy="10" r="2" />
              <path d="m21 16-5-5-9 9" />
            </svg>
            ${t.byPhoto}
          </button>`
        : ''
    }
  </form>`;
}

function indexingNote(ctx: PageContext, s: NonNullable<ProductsView['indexing']>) {
  const pct = s.total ? Math.floor((s.embedded / s.total) * 100) : 0;
  const eta =
    s.eta_s !== null
      ? ctx.lang === 'en'
        ? `, about ${Math.ceil(s.eta_s / 60)} min left`
        : `, осталось около ${Math.ceil(s.eta_s / 60)} мин`
      : '';
  return html`<p
    class="mt-3 flex items-center gap-2 text-sm text-slate-500"
    data-testid="indexing-note"
    role="status"
  >
    <span class="inline-block h-2 w-2 animate-pulse rounded-full bg-violet-500"></span>
    ${ctx.lang === 'en' ? `Preparing photos for search by photo: ${s.embedded} of ${s.total} (${pct}%)${eta}` : `Готовим фото для поиска по фото: ${s.embedded} из ${s.total} (${pct}%)${eta}`}
  </p>`;
}

function photoBanner(ctx: PageContext, view: ProductsView) {
  const banner = view.photoSearch!;
  const clear = listUrl({ ...view.query, image_search: undefined }, { page: undefined });
  return html`<div
    class="mt-4 flex items-center gap-4 rounded-2xl border border-violet-200 bg-violet-50 p-3"
    data-testid="photo-banner"
  >
    ${banner.queryImageUrl ? html`<img src="${banner.queryImageUrl}" alt="" class="h-16 w-16 rounded-lg object-cover ring-1 ring-violet-200" />` : ''}
    <p class="font-medium text-violet-900" data-testid="photo-banner-text">
      ${
        banner.nothingSimilar
          ? ctx.t.photoNothingSimilar
          : `${ctx.t.countProducts(banner.count)} ${ctx.lang === 'en' ? 'by photo' : 'по фото'}`
      }
    </p>
    <a
      href="${clear}"
      class="ml-auto rounded-lg px-3 py-2 text-sm text-violet-700 hover:bg-violet-100"
      data-testid="photo-clear"
      >${ctx.lang === 'en' ? 'Clear ✕' : 'Сбросить ✕'}</a
    >
  </div>`;
}

function filtersPanel(ctx: PageContext, view: ProductsView) {
  const { t } = ctx;
  const { query, facets } = view;
  const option = (f: Facet, selected: string | undefined) =>
    html`<option value="${f.value}" ${f.value === selected ? 'selected' : ''}>
      ${f.value} (${f.count})
    </option>`;
  const input =
    'w-full rounded-lg border border-slate-300 bg-white px-3 py-2 text-sm outline-none focus:border-violet-500 focus:ring-2 focus:ring-violet-100';
  return html`<aside class="h-fit rounded-2xl border border-slate-200 bg-white p-4 shadow-sm">
    <h2 class="mb-3 text-sm font-semibold uppercase tracking-wide text-slate-500">${t.filters}</h2>
    <form method="get" action="/products" class="space-y-4" id="filters">
      ${query.q ? html`<input type="hidden" name="q" value="${query.q}" />` : ''}
      ${query.image_search ? html`<input type="hidden" name="image_search" value="${query.image_search}" />` : ''}
      ${query.sort ? html`<input type="hidden" name="sort" value="${query.sort}" />` : ''}
      ${ctx.lang === 'en' ? html`<input type="hidden" name="lang" value="en" />` : ''}
      <label class="block text-sm">
        <span class="mb-1 block font-medium text-slate-700">${t.category}</span>
        <select name="category" class="${input}" data-autosubmit>
          <option value="">${t.allCategories}</option>
          ${facets.categories.map((f) => option(f, query.category))}
        </select>
      </label>
      <label class="block text-sm">
        <span class="mb-1 block font-medium text-slate-700">${t.supplier}</span>
        <select name="supplier" class="${input}" data-autosubmit>
          <option value="">${t.allSuppliers}</option>
          ${facets.suppliers.map((f) => option(f, query.supplier))}
        </select>
      </label>
      <fieldset class="text-sm">
        <legend class="mb-1 font-medium text-slate-700">${t.price}</legend>
        <div class="flex items-center gap-2">
          <input
            name="price_min"
            inputmode="decimal"
            placeholder="${t.priceFrom}"
            value="${query.price_min ?? ''}"
            class="${input}"
          />
          <span class="text-slate-400">—</span>
          <input
            name="price_max"
            inputmode="decimal"
            placeholder="${t.priceTo}"
            value="${query.price_max ?? ''}"
            class="${input}"
          />
        </div>
      </fieldset>
      <div class="flex gap-2">
        <button
          class="flex-1 rounded-lg bg-slate-900 px-3 py-2 text-sm font-medium text-white hover:bg-slate-700"
        >
          ${t.apply}
        </button>
        <a
          href="${listUrl({ q: query.q, image_search: query.image_search, lang: query.lang } as ProductListQuery, {})}"
          class="rounded-lg px-3 py-2 text-sm text-slate-600 hover:bg-slate-100"
          >${t.reset}</a
        >
      </div>
    </form>
  </aside>`;
}

function toolbar(ctx: PageContext, view: ProductsView) {
  const { t } = ctx;
  const { result, query } = view;
  const from = result.total === 0 ? 0 : (result.page - 1) * result.perPage + 1;
  const to = Math.min(result.total, result.page * result.perPage);
  const sort = query.sort ?? (query.q || query.image_search ? 'relevance' : 'name');
  return html`<div class="mb-4 flex flex-wrap items-center gap-3">
    <p class="text-sm text-slate-600">
      <strong class="text-slate-900" data-testid="total">${t.countProducts(result.total)}</strong
      >${result.total > 0 ? html` <span class="text-slate-400">· ${t.showing(from, to, result.total)}</span>` : ''}
    </p>
    <form method="get" action="/products" class="ml-auto flex items-center gap-3 text-sm" id="list-options">
      ${(['q', 'category', 'supplier', 'price_min', 'price_max', 'image_search', 'lang'] as const).map(
        (key) =>
          query[key] !== undefined
            ? html`<input type="hidden" name="${key}" value="${String(query[key])}" />`
            : '',
      )}
      <label class="flex items-center gap-2"
        ><span class="text-slate-500">${t.sort}</span>
        <select name="sort" class="rounded-lg border border-slate-300 bg-white px-2 py-1.5" data-autosubmit>
          ${SORTS.map((s) => html`<option value="${s}" ${s === sort ? 'selected' : ''}>${t.sorts[s]}</option>`)}
        </select>
      </label>
      <label class="flex items-center gap-2"
        ><span class="text-slate-500">${t.perPage}</span>
        <select
          name="per_page"
          class="rounded-lg border border-slate-300 bg-white px-2 py-1.5"
          data-autosubmit
        >
          ${PER_PAGE_CHOICES.map((n) => html`<option value="${n}" ${n === result.perPage ? 'selected' : ''}>${n}</option>`)}
        </select>
      </label>
      <noscript><button class="rounded-lg bg-slate-200 px-2 py-1.5">OK</button></noscript>
    </form>
  </div>`;
}

function grid(ctx: PageContext, items: ProductSummary[], similar: boolean) {
  const langSuffix = ctx.lang === 'en' ? '?lang=en' : '';
  return html`<ul class="grid grid-cols-2 gap-4 sm:grid-cols-3 xl:grid-cols-4" data-testid="product-grid">
    ${items.map((p) => {
      const price = formatPrice(p.price, p.currency, ctx.lang);
      return html`<li
        class="group relative flex flex-col overflow-hidden rounded-2xl border border-slate-200 bg-white shadow-sm transition hover:-translate-y-0.5 hover:shadow-md"
        data-product-id="${p.id}"
      >
        <a href="/products/${p.id}${langSuffix}" class="block aspect-square overflow-hidden bg-slate-100">
          ${
            p.imageSha256
              ? html`<img
                  src="${thumbUrl(p.imageSha256, 320)}"
                  alt="${p.name}"
                  loading="lazy"
                  width="320"
                  height="320"
                  class="h-full w-full object-cover transition duration-300 group-hover:scale-105"
                />`
              : html`<div class="grid h-full place-items-center text-slate-300">
                  <svg
                    viewBox="0 0 24 24"
                    class="h-12 w-12"
                    fill="none"
                    stroke="currentColor"
                    stroke-width="1.5"
                  >
                    <rect x="3" y="4" width="18" height="16" rx="2" />
                    <circle cx="9" cy="10" r="2" />
                    <path d="m21 16-5-5-9 9" />
                  </svg>
                </div>`
          }
        </a>
        ${
          p.score !== undefined
            ? html`<span
                class="absolute left-2 top-2 rounded-full bg-violet-600/90 px-2 py-0.5 text-xs font-semibold text-white shadow"
                data-testid="score"
                title="${ctx.lang === 'en' ? 'similarity' : 'сходство'}"
                >${Math.round(p.score * 100)}%</span
              >`
            : ''
        }
        <div class="flex flex-1 flex-col gap-1 p-3">
          <p class="text-xs text-slate-500">${p.category ?? ''}</p>
          <a
            href="/products/${p.id}${langSuffix}"
            class="line-clamp-2 font-medium leading-snug text-slate-900 hover:text-violet-700"
            >${p.name}</a
          >
          <p class="text-xs text-slate-400">${ctx.t.sku} ${p.sku}${p.supplier ? ` · ${p.supplier}` : ''}</p>
          <div class="mt-auto flex items-end justify-between pt-2">
            <p class="${price ? 'text-lg font-semibold text-slate-900' : 'text-sm text-slate-400'}">
              ${price ?? ctx.t.priceOnRequest}
            </p>
            ${similar && p.imageSha256 ? similarButton(ctx, p.id, 'small') : ''}
          </div>
        </div>
      </li>`;
    })}
  </ul>`;
}

/** «Похожие»: a plain form POST, so it works without JavaScript; the server redirects to the results. */
export function similarButton(ctx: PageContext, productId: number, size: 'small' | 'large') {
  const label = ctx.lang === 'en' ? 'Similar' : 'Похожие';
  const cls =
    size === 'small'
      ? 'rounded-lg px-2 py-1 text-xs font-medium text-violet-700 ring-1 ring-violet-200 hover:bg-violet-50'
      : 'inline-flex items-center gap-2 rounded-xl px-4 py-2 font-medium text-violet-700 ring-1 ring-violet-300 hover:bg-violet-50';
  return html`<form
    method="post"
    action="/products/${productId}/similar${ctx.lang === 'en' ? '?lang=en' : ''}"
  >
    <button class="${cls}" data-testid="similar">${label}</button>
  </form>`;
}

function emptyState(ctx: PageContext, view: ProductsView) {
  const { t } = ctx;
  const empty = view.catalogSize === 0;
  return html`<div
    class="rounded-2xl border border-dashed border-slate-300 bg-white p-12 text-center"
    data-testid="empty"
  >
    <p class="text-lg font-medium text-slate-900">${empty ? t.emptyCatalog : t.noResults}</p>
    <p class="mt-2 text-sm text-slate-500">${empty ? t.emptyCatalogHint : t.noResultsHint}</p>
  </div>`;
}

function pagination(ctx: PageContext, view: ProductsView) {
  const { result, query } = view;
  const pages = Math.max(1, Math.ceil(result.total / result.perPage));
  if (pages <= 1) return '';
  const current = result.page;
  const shown = new Set(
    [1, pages, current - 1, current, current + 1, current - 2, current + 2].filter(
      (p) => p >= 1 && p <= pages,
    ),
  );
  const sorted = [...shown].sort((a, b) => a - b);
  const link = 'min-w-10 rounded-lg px-3 py-2 text-center text-sm';
  const items: SafeHtml[] = [];
  sorted.forEach((p, i) => {
    if (i > 0 && p - sorted[i - 1]! > 1) items.push(html`<span class="px-1 text-slate-400">…</span>`);
    items.push(
      p === current
        ? html`<span aria-current="page" class="${link} bg-violet-600 font-semibold text-white">${p}</span>`
        : html`<a
            href="${listUrl(query, { page: p })}"
            class="${link} bg-white text-slate-700 ring-1 ring-slate-200 hover:bg-slate-50"
            >${p}</a
          >`,
    );
  });
  return html`<nav
    class="mt-8 flex flex-wrap items-center justify-center gap-2"
    aria-label="${ctx.t.page}"
    data-testid="pagination"
  >
    ${current > 1 ? html`<a rel="prev" href="${listUrl(query, { page: current - 1 })}" class="${link} text-slate-600 hover:bg-slate-100">← ${ctx.t.prev}</a>` : ''}
    ${items}
    ${current < pages ? html`<a rel="next" href="${listUrl(query, { page: current + 1 })}" class="${link} text-slate-600 hover:bg-slate-100">${ctx.t.next} →</a>` : ''}
  </nav>`;
}
