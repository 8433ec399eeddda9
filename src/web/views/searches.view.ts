import { html } from '../html.ts';
import { layout, type PageContext } from './layout.view.ts';

export interface HistoryItem {
  id: string;
  kind: string;
  count: number;
  createdAt: Date;
  hasThumb: boolean;
}

export function searchesPage(ctx: PageContext, items: HistoryItem[]): string {
  const en = ctx.lang === 'en';
  const title = en ? 'Your photo searches' : 'Ваши поиски по фото';
  const when = (d: Date) =>
    new Date(d).toLocaleString(en ? 'en-GB' : 'ru-RU', { dateStyle: 'medium', timeStyle: 'short' });
  return layout(
    ctx,
    title,
    html`<h1 class="text-2xl font-semibold text-slate-900">${title}</h1>
      <p class="mt-1 text-sm text-slate-500">
        ${en ? 'Visible to you only; a search’s link opens for your colleagues too.' : 'Видны только вам; ссылка на поиск откроется и у коллег.'}
      </p>
      ${
        items.length === 0
          ? html`<div
              class="mt-6 rounded-2xl border border-dashed border-slate-300 bg-white p-12 text-center text-slate-500"
            >
              ${en ? 'No searches yet: press «By photo» in the catalog.' : 'Поисков пока нет: нажмите «По фото» в каталоге.'}
            </div>`
          : html`<ul class="mt-6 grid grid-cols-2 gap-4 sm:grid-cols-4 lg:grid-cols-6" data-testid="history">
              ${items.map(
                (s) =>
                  html`<li>
                    <a
                      href="/products?image_search=${s.id}${en ? '&lang=en' : ''}"
                      class="block overflow-hidden rounded-2xl border border-slate-200 bg-white shadow-sm transition hover:-translate-y-0.5 hover:shadow-md"
                    >
                      ${
                        s.hasThumb
                          ? html`<img
                              src="/searches/${s.id}/thumb"
                              alt=""
                              class="aspect-square w-full object-cover"
                            />`
                          : html`<div
                              class="grid aspect-square place-items-center bg-violet-50 text-sm text-violet-600"
                            >
                              ${s.kind === 'similar' ? (en ? 'Similar' : 'Похожие') : '—'}
                            </div>`
                      }
                      <div class="p-2 text-xs">
                        <p class="font-medium text-slate-800">
                          ${en ? `${s.count} products` : `${s.count} товаров`}
                        </p>
                        <p class="text-slate-400">${when(s.createdAt)}</p>
                      </div>
                    </a>
                  </li>`,
              )}
            </ul>`
      }`,
  );
}
