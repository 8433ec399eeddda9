import type { Facet } from '../../catalog/catalog.repository.ts';
import type { ProductPage, ProductSummary } from '../../catalog/catalog.types.ts';
import { SORTS } from '../../catalog/catalog.types.ts';
import { formatPrice, formatScore } from '../../i18n/i18n.format.ts';
import type { PhotoAvailability } from '../../search/photo-availability.ts';
import { code, fill, html, type SafeHtml } from '../html.ts';
import type { PriceProblems, ProductListQuery } from '../products.query.ts';
import { PER_PAGE_CHOICES } from '../products.query.ts';
import { DISPLAY_SIZES } from '../thumbnails.ts';
import { layout, localHref, type PageContext } from './layout.view.ts';
import { photoModal, photoModalAssets, photoUnavailableReason } from './photo-modal.view.ts';
import { productImage } from './product-image.view.ts';
import { photoIcon } from './icons.view.ts';

export interface PhotoSearchBanner {
  id: string;
  kind: string;
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
  /** whether search by photo can be used now, and why not */
  photo: PhotoAvailability;
  /** the serving model's default similarity threshold (the dialog's slider starts there) */
  photoThreshold?: number | undefined;
  /** the server's upload limit: the dialog checks files against it before sending */
  uploadMaxBytes: number;
  /** price filters people typed that could not be used, with the reason, shown in place */
  priceProblems?: PriceProblems | undefined;
  indexing?: { embedded: number; total: number; eta_s: number | null } | undefined;
}

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
  const modal = view.photo.status !== 'off';
  return layout(
    ctx,
    query.q ?? (view.photoSearch ? t('byPhoto') : t('catalog')),
    html`
      ${searchBar(ctx, view)} ${photoOffNotice(ctx, view.photo)}
      ${view.indexing ? indexingNote(ctx, view.indexing) : ''}
      ${view.photoSearch ? photoBanner(ctx, view) : ''}
      <div class="mt-4 grid gap-6 lg:mt-6 lg:grid-cols-[16rem_minmax(0,1fr)]">
        ${filtersPanel(ctx, view)}
        <section aria-label="${t('results')}" id="results" class="min-w-0">
          ${toolbar(ctx, view)}
          ${result.fuzzy ? html`<p class="mb-4 rounded-lg bg-amber-50 px-4 py-2 text-sm text-amber-800" data-testid="fuzzy-note">${t('fuzzyNote')}</p>` : ''}
          ${result.items.length ? grid(ctx, view) : emptyState(ctx, view)} ${pagination(ctx, view)}
        </section>
      </div>
      ${modal ? photoModal(ctx, { threshold: view.photoThreshold ?? 0.5, uploadMaxBytes: view.uploadMaxBytes }) : ''}
    `,
    modal ? photoModalAssets(ctx, view.uploadMaxBytes) : { scripts: ['/assets/products.js'] },
  );
}

function searchBar(ctx: PageContext, view: ProductsView) {
  const { t } = ctx;
  const photoMode = Boolean(view.photoSearch);
  const off = view.photo.status === 'off' ? photoUnavailableReason(ctx, view.photo) : null;
  return html`<form
      method="get"
      action="/products"
      class="flex flex-wrap gap-2 sm:flex-nowrap sm:gap-3"
      role="search"
    >
      ${ctx.lang === 'en' ? html`<input type="hidden" name="lang" value="en" />` : ''}
      <label class="relative min-w-0 flex-[1_1_100%] sm:flex-1">
        <span class="sr-only">${t('searchLabel')}</span>
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
          placeholder="${t('searchPlaceholder')}"
          ${photoMode ? html`disabled aria-describedby="photo-mode-hint" title="${t('photoModeHint')}"` : ''}
          class="w-full rounded-xl border border-slate-300 bg-white py-3 pl-10 pr-4 text-base shadow-sm outline-none transition focus:border-violet-500 focus:ring-4 focus:ring-violet-100 disabled:cursor-not-allowed disabled:bg-slate-100"
          autocomplete="off"
        />
      </label>
      <button
        type="submit"
        ${photoMode ? 'disabled' : ''}
        class="flex-1 rounded-xl bg-slate-900 px-6 py-3 font-medium text-white shadow-sm transition hover:bg-slate-700 disabled:cursor-not-allowed disabled:opacity-50 sm:flex-none"
      >
        ${t('search')}
      </button>
      <button
        type="button"
        id="photo-search-open"
        ${off ? html`aria-disabled="true" aria-describedby="photo-off" title="${off}"` : ''}
        data-testid="photo-open"
        class="inline-flex flex-1 items-center justify-center gap-2 rounded-xl px-5 py-3 font-medium shadow-sm transition focus:outline-none focus:ring-4 focus:ring-violet-200 sm:flex-none ${off ? 'cursor-not-allowed bg-slate-200 text-slate-500' : 'bg-violet-600 text-white hover:bg-violet-700'}"
      >
        ${photoIcon({ class: 'h-5 w-5', strokeWidth: '2' })} ${t('byPhoto')}
      </button>
    </form>
    ${
      photoMode
        ? html`<p id="photo-mode-hint" class="mt-2 text-sm text-slate-500" data-testid="photo-mode-hint">
            ${t('photoModeHint')}
            <a
              class="font-medium text-violet-700 underline-offset-2 hover:underline"
              href="${listUrl({ ...view.query, image_search: undefined }, { page: undefined })}"
              >${t('photoModeLeave')}</a
            >
          </p>`
        : ''
    }`;
}

/** Why «По фото» cannot be used, said once on the page (the button points here). */
function photoOffNotice(ctx: PageContext, photo: PhotoAvailability) {
  if (photo.status === 'loading') {
    return html`<p class="mt-3 text-sm text-slate-500" role="status" data-testid="photo-loading">
      ${ctx.t('photoOffModelLoading')}
    </p>`;
  }
  if (photo.status !== 'off') return '';
  return html`<div
    id="photo-off"
    class="mt-3 rounded-xl border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900"
    role="status"
    data-testid="photo-off"
  >
    <p>${photoUnavailableReason(ctx, photo)}</p>
    ${photo.fix ? html`<p class="mt-1 break-words">${fill(ctx.t('photoOffFix'), { fix: code(photo.fix) })}</p>` : ''}
  </div>`;
}

function indexingNote(ctx: PageContext, s: NonNullable<ProductsView['indexing']>) {
  const percent = s.total ? Math.floor((s.embedded / s.total) * 100) : 0;
  const eta = s.eta_s !== null ? ctx.t('indexingEta', { minutes: Math.ceil(s.eta_s / 60) }) : '';
  return html`<p
    class="mt-3 flex items-center gap-2 text-sm text-slate-500"
    data-testid="indexing-note"
    role="status"
  >
    <span class="inline-block h-2 w-2 shrink-0 animate-pulse rounded-full bg-violet-500"></span>
    ${ctx.t('indexingNote', { done: s.embedded, total: s.total, percent })}${eta}
  </p>`;
}

function photoBanner(ctx: PageContext, view: ProductsView) {
  const { t } = ctx;
  const banner = view.photoSearch!;
  const clear = listUrl({ ...view.query, image_search: undefined }, { page: undefined });
  const count = t(banner.kind === 'similar' ? 'similarResults' : 'photoResults', { count: banner.count });
  return html`<div
    class="mt-4 flex flex-wrap items-center gap-3 rounded-2xl border border-violet-200 bg-violet-50 p-3"
    data-testid="photo-banner"
  >
    ${banner.queryImageUrl ? html`<img src="${banner.queryImageUrl}" alt="${t('queryPhoto')}" width="64" height="64" class="h-16 w-16 shrink-0 rounded-lg bg-white object-contain ring-1 ring-violet-200" />` : ''}
    <div class="min-w-0 flex-[1_1_12rem]">
      <p class="font-medium text-violet-900" data-testid="photo-banner-text">
        ${banner.nothingSimilar ? t('photoNothingSimilar') : count}
      </p>
      <p class="hidden text-sm text-violet-800/80 sm:block">
        ${t(banner.nothingSimilar ? 'photoNothingSimilarHint' : 'photoResultsHint')}
      </p>
    </div>
    <a
      href="${clear}"
      class="w-full rounded-lg px-3 py-2 text-center text-sm font-medium text-violet-700 ring-1 ring-violet-200 hover:bg-violet-100 sm:w-auto"
      data-testid="photo-clear"
      >${t('photoClear')}</a
    >
  </div>`;
}

function priceErrors(ctx: PageContext, problems: PriceProblems | undefined): string[] {
  if (!problems) return [];
  const texts = problems.notNumber.map((f) => ctx.t('priceNotNumber', { value: problems.raw[f] ?? '' }));
  if (problems.range) texts.push(ctx.t('priceRange', problems.range));
  return texts;
}

/**
 * Categories nest with « / »; filtering by a parent includes its children, so parents are options
 * too (with their children's total), children indented under them. A filter value that no product
 * has any more stays selectable, so the select never hides an active filter.
 */
function categoryTree(facets: Facet[], selected: string | undefined): (Facet & { label?: string })[] {
  const all = new Map<string, number>(facets.map((f) => [f.value, f.count]));
  for (const f of facets) {
    const parts = f.value.split(' / ');
    for (let i = 1; i < parts.length; i++) {
      const parent = parts.slice(0, i).join(' / ');
      all.set(parent, (all.get(parent) ?? 0) + f.count);
    }
  }
  if (selected && !all.has(selected)) all.set(selected, 0);
  return [...all.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([value, count]) => {
      const parts = value.split(' / ');
      const label =
        parts.length > 1 ? `${'\u00a0\u00a0\u00a0'.repeat(parts.length - 1)}${parts.at(-1)}` : value;
      return { value, count, label };
    });
}

const activeFilterCount = (q: ProductListQuery) =>
  [q.category, q.supplier, q.price_min, q.price_max].filter((v) => v !== undefined).length;

function filtersPanel(ctx: PageContext, view: ProductsView) {
  const { t } = ctx;
  const { query, facets } = view;
  const problems = view.priceProblems;
  const option = (f: Facet & { label?: string }, selected: string | undefined) =>
    html`<option value="${f.value}" ${f.value === selected ? 'selected' : ''}>
      ${f.label ?? f.value} (${f.count})
    </option>`;
  const field =
    'w-full min-w-0 rounded-lg border px-3 py-2.5 text-base outline-none focus:border-violet-500 focus:ring-2 focus:ring-violet-100 sm:text-sm';
  const input = `${field} border-slate-300 bg-white`;
  const errors = priceErrors(ctx, problems);
  const priceInput = (name: 'price_min' | 'price_max', placeholder: string) => {
    const bad = Boolean(problems?.notNumber.includes(name) || problems?.range);
    return html`<input
      name="${name}"
      inputmode="decimal"
      autocomplete="off"
      placeholder="${placeholder}"
      aria-label="${t('price')} ${placeholder}"
      value="${problems?.raw[name] ?? query[name] ?? ''}"
      ${bad ? html`aria-invalid="true" aria-describedby="price-error"` : ''}
      class="${bad ? `${field} border-red-500 bg-red-50` : input}"
    />`;
  };
  // Phones: the panel is a sheet opened by «Фильтры» (#filters as the target, so it needs no script);
  // it is open from the start when a price needs fixing. Desktops: always beside the results.
  const sheet = errors.length
    ? 'max-lg:fixed max-lg:inset-0 max-lg:z-40 max-lg:block max-lg:overflow-y-auto max-lg:rounded-none'
    : 'hidden max-lg:target:fixed max-lg:target:inset-0 max-lg:target:z-40 max-lg:target:block max-lg:target:overflow-y-auto max-lg:target:rounded-none';
  return html`<aside
    id="filters"
    aria-label="${t('filters')}"
    class="rounded-2xl border border-slate-200 bg-white p-4 shadow-sm lg:block lg:h-fit ${sheet}"
    data-testid="filters"
  >
    <div class="mb-3 flex items-center justify-between">
      <h2 class="text-sm font-semibold uppercase tracking-wide text-slate-500">${t('filters')}</h2>
      <a
        href="#results"
        class="-m-2 rounded-lg p-2 text-slate-500 hover:bg-slate-100 lg:hidden"
        aria-label="${t('closeFilters')}"
        data-testid="filters-close"
        >✕</a
      >
    </div>
    <form method="get" action="/products" class="space-y-4" id="filters-form">
      ${query.q ? html`<input type="hidden" name="q" value="${query.q}" />` : ''}
      ${query.image_search ? html`<input type="hidden" name="image_search" value="${query.image_search}" />` : ''}
      ${query.sort ? html`<input type="hidden" name="sort" value="${query.sort}" />` : ''}
      ${query.per_page !== 24 ? html`<input type="hidden" name="per_page" value="${query.per_page}" />` : ''}
      ${ctx.lang === 'en' ? html`<input type="hidden" name="lang" value="en" />` : ''}
      <label class="block text-sm">
        <span class="mb-1 block font-medium text-slate-700">${t('category')}</span>
        <select name="category" class="${input}" data-autosubmit>
          <option value="">${t('allCategories')}</option>
          ${categoryTree(facets.categories, query.category).map((f) => option(f, query.category))}
        </select>
      </label>
      <label class="block text-sm">
        <span class="mb-1 block font-medium text-slate-700">${t('supplier')}</span>
        <select name="supplier" class="${input}" data-autosubmit>
          <option value="">${t('allSuppliers')}</option>
          ${facets.suppliers.map((f) => option(f, query.supplier))}
        </select>
      </label>
      <fieldset class="text-sm">
        <legend class="mb-1 font-medium text-slate-700">${t('price')}</legend>
        <div class="flex items-center gap-2">
          ${priceInput('price_min', t('priceFrom'))}
          <span class="text-slate-400" aria-hidden="true">—</span>
          ${priceInput('price_max', t('priceTo'))}
        </div>
        ${errors.length ? html`<p id="price-error" class="mt-2 text-sm text-red-700" role="alert" data-testid="price-error">${errors.join(' ')}</p>` : ''}
      </fieldset>
      <div class="flex gap-2">
        <button
          class="flex-1 rounded-lg bg-slate-900 px-3 py-2.5 text-sm font-medium text-white hover:bg-slate-700"
        >
          ${t('apply')}
        </button>
        <a
          href="${listUrl({ q: query.q, image_search: query.image_search, lang: query.lang } as ProductListQuery, {})}"
          class="rounded-lg px-3 py-2.5 text-sm text-slate-600 hover:bg-slate-100"
          >${t('reset')}</a
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
  const active = activeFilterCount(query);
  const select = 'min-w-0 rounded-lg border border-slate-300 bg-white px-2 py-2 text-sm';
  return html`<div class="mb-4 flex flex-wrap items-center gap-x-3 gap-y-2">
    <p class="text-sm text-slate-600">
      <strong class="text-slate-900" data-testid="total">${t('products', { count: result.total })}</strong
      >${result.total > 0 ? html` <span class="text-slate-400">· ${t('showing', { from, to, total: result.total })}</span>` : ''}
    </p>
    <a
      href="#filters"
      class="ml-auto inline-flex items-center gap-2 rounded-lg px-3 py-2 text-sm font-medium text-slate-700 ring-1 ring-slate-300 hover:bg-slate-50 lg:hidden"
      data-testid="filters-open"
    >
      <svg
        viewBox="0 0 24 24"
        class="h-4 w-4"
        fill="none"
        stroke="currentColor"
        stroke-width="2"
        aria-hidden="true"
      >
        <path d="M4 6h16M7 12h10M10 18h4" />
      </svg>
      ${t('filters')}${active ? html` <span class="rounded-full bg-violet-600 px-1.5 text-xs text-white" title="${t('filtersActive', { count: active })}">${active}</span>` : ''}
    </a>
    <form
      method="get"
      action="/products"
      class="flex w-full items-center gap-2 text-sm sm:w-auto lg:ml-auto"
      id="list-options"
    >
      ${(['q', 'category', 'supplier', 'price_min', 'price_max', 'image_search', 'lang'] as const).map(
        (key) =>
          query[key] !== undefined
            ? html`<input type="hidden" name="${key}" value="${String(query[key])}" />`
            : '',
      )}
      <label class="flex min-w-0 flex-1 items-center gap-2 sm:flex-none"
        ><span class="shrink-0 text-slate-500">${t('sort')}</span>
        <select name="sort" class="${select} flex-1" data-autosubmit>
          ${SORTS.map((s) => html`<option value="${s}" ${s === sort ? 'selected' : ''}>${t(`sort_${s}`)}</option>`)}
        </select>
      </label>
      <label class="flex shrink-0 items-center gap-2"
        ><span class="text-slate-500"><span class="sr-only sm:not-sr-only">${t('perPage')}</span></span>
        <select name="per_page" class="${select}" data-autosubmit aria-label="${t('perPage')}">
          ${PER_PAGE_CHOICES.map((n) => html`<option value="${n}" ${n === result.perPage ? 'selected' : ''}>${n}</option>`)}
        </select>
      </label>
      <noscript><button class="rounded-lg bg-slate-200 px-2 py-2">${t('show')}</button></noscript>
    </form>
  </div>`;
}

function grid(ctx: PageContext, view: ProductsView) {
  const { t } = ctx;
  const similar = view.photo.status !== 'off';
  // The product page's way back: this list, with its search, filters and page.
  const from = listUrl(view.query, {});
  return html`<ul
    class="grid grid-cols-2 gap-3 sm:grid-cols-3 sm:gap-4 xl:grid-cols-4"
    data-testid="product-grid"
  >
    ${view.result.items.map((p) => {
      const price = formatPrice(p.price, p.currency, ctx.lang);
      const href = productHref(ctx, p, from);
      return html`<li
        class="group relative flex min-w-0 flex-col overflow-hidden rounded-2xl border border-slate-200 bg-white shadow-sm transition hover:shadow-md"
        data-product-id="${p.id}"
      >
        <a href="${href}" class="block aspect-square bg-white p-2" tabindex="-1" aria-hidden="true">
          ${productImage(ctx, p.imageSha256, { alt: '', size: DISPLAY_SIZES.card })}
        </a>
        ${
          p.score !== undefined
            ? html`<span
                class="absolute left-2 top-2 rounded-full bg-violet-600/90 px-2 py-0.5 text-xs font-semibold text-white shadow"
                data-testid="score"
                title="${t('similarity', { score: formatScore(p.score) })}"
                >${formatScore(p.score)}</span
              >`
            : ''
        }
        <div class="flex min-w-0 flex-1 flex-col gap-1 border-t border-slate-100 p-3">
          <p class="truncate text-xs text-slate-500" data-testid="card-category">${p.category ?? ''}</p>
          <a
            href="${href}"
            class="line-clamp-2 break-words font-medium leading-snug text-slate-900 hover:text-violet-700"
            >${p.name}</a
          >
          <p class="truncate text-xs text-slate-500">${t('sku')} ${p.sku}</p>
          ${p.supplier ? html`<p class="truncate text-xs text-slate-500" data-testid="card-supplier">${p.supplier}</p>` : ''}
          <div class="mt-auto flex flex-wrap items-end justify-between gap-2 pt-2">
            <p
              class="${price ? 'text-lg font-semibold text-slate-900' : 'text-sm text-slate-400'}"
              data-testid="price"
            >
              ${price ?? t('priceOnRequest')}
            </p>
            ${similar && p.imageSha256 ? similarButton(ctx, p.id, 'small') : ''}
          </div>
        </div>
      </li>`;
    })}
  </ul>`;
}

function productHref(ctx: PageContext, p: ProductSummary, from: string): string {
  const params = new URLSearchParams();
  if (from !== '/products') params.set('from', from);
  if (ctx.lang === 'en') params.set('lang', 'en');
  const qs = params.toString();
  return `/products/${p.id}${qs ? `?${qs}` : ''}`;
}

/** «Похожие»: a plain form POST, so it works without JavaScript; the server redirects to the results. */
export function similarButton(ctx: PageContext, productId: number, size: 'small' | 'large') {
  const cls =
    size === 'small'
      ? 'rounded-lg px-2.5 py-1.5 text-xs font-medium text-violet-700 ring-1 ring-violet-200 hover:bg-violet-50'
      : 'inline-flex items-center gap-2 rounded-xl px-4 py-2.5 font-medium text-violet-700 ring-1 ring-violet-300 hover:bg-violet-50';
  return html`<form method="post" action="${localHref(ctx, `/products/${productId}/similar`)}">
    <button class="${cls}" data-testid="similar" title="${ctx.t('similarTitle')}">${ctx.t('similar')}</button>
  </form>`;
}

function emptyState(ctx: PageContext, view: ProductsView) {
  const { t } = ctx;
  const empty = view.catalogSize === 0;
  return html`<div
    class="rounded-2xl border border-dashed border-slate-300 bg-white p-8 text-center sm:p-12"
    data-testid="empty"
  >
    <p class="text-lg font-medium text-slate-900">${empty ? t('emptyCatalog') : t('noResults')}</p>
    <p class="mt-2 text-sm text-slate-500">
      ${
        empty
          ? fill(t('emptyCatalogHint'), {
              importCommand: code('npx vitrina import file.csv'),
              demoCommand: code('npx vitrina demo'),
            })
          : t('noResultsHint')
      }
    </p>
  </div>`;
}

function pagination(ctx: PageContext, view: ProductsView) {
  const { t } = ctx;
  const { result, query } = view;
  const pages = Math.max(1, Math.ceil(result.total / result.perPage));
  if (pages <= 1) return '';
  const current = result.page;
  const shown = new Set([1, pages, current - 1, current, current + 1].filter((p) => p >= 1 && p <= pages));
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
    aria-label="${t('pages')}"
    data-testid="pagination"
  >
    ${current > 1 ? html`<a rel="prev" href="${listUrl(query, { page: current - 1 })}" class="${link} text-slate-600 hover:bg-slate-100" aria-label="${t('prev')}">←<span class="hidden sm:inline"> ${t('prev')}</span></a>` : ''}
    ${items}
    ${current < pages ? html`<a rel="next" href="${listUrl(query, { page: current + 1 })}" class="${link} text-slate-600 hover:bg-slate-100" aria-label="${t('next')}"><span class="hidden sm:inline">${t('next')} </span>→</a>` : ''}
  </nav>`;
}
