import { formatDateTime } from '../../i18n/i18n.format.ts';
import { html } from '../html.ts';
import { layout, localHref, type PageContext } from './layout.view.ts';

export interface HistoryItem {
  id: string;
  kind: string;
  count: number;
  createdAt: Date;
  hasThumb: boolean;
}

const KIND_WORDS = {
  image: 'searchKind_image',
  url: 'searchKind_url',
  similar: 'searchKind_similar',
} as const;

export function searchesPage(ctx: PageContext, items: HistoryItem[]): string {
  const { t } = ctx;
  return layout(
    ctx,
    t('searchesTitle'),
    html`<h1 class="text-2xl font-semibold text-slate-900">${t('searchesTitle')}</h1>
      <p class="mt-1 text-sm text-slate-500">${t('searchesKept')}</p>
      ${
        items.length === 0
          ? html`<div
              class="mt-6 rounded-2xl border border-dashed border-slate-300 bg-white p-8 text-center text-slate-500 sm:p-12"
              data-testid="history-empty"
            >
              ${t('searchesEmpty')}
            </div>`
          : html`<ul
              class="mt-6 grid grid-cols-2 gap-3 sm:grid-cols-4 sm:gap-4 lg:grid-cols-6"
              data-testid="history"
            >
              ${items.map((s) => {
                const kind = t(KIND_WORDS[s.kind as keyof typeof KIND_WORDS] ?? 'searchKind_image');
                return html`<li>
                  <a
                    href="${localHref(ctx, `/products?image_search=${s.id}`)}"
                    class="block overflow-hidden rounded-2xl border border-slate-200 bg-white shadow-sm transition hover:shadow-md"
                  >
                    ${
                      s.hasThumb
                        ? html`<img
                            src="/searches/${s.id}/thumb"
                            alt="${kind}"
                            width="160"
                            height="160"
                            loading="lazy"
                            class="aspect-square h-auto w-full bg-white object-contain"
                          />`
                        : html`<div
                            class="grid aspect-square place-items-center bg-violet-50 text-sm text-violet-700"
                          >
                            ${kind}
                          </div>`
                    }
                    <div class="p-2 text-xs">
                      <p class="font-medium text-slate-800" data-testid="history-count">
                        ${t('products', { count: s.count })}
                      </p>
                      <p class="text-slate-500">${formatDateTime(s.createdAt, ctx.lang)}</p>
                    </div>
                  </a>
                </li>`;
              })}
            </ul>`
      }`,
  );
}
