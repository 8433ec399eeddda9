import type { FailedImage, IndexOverview, ModelIndexState } from '../../indexer/index-status.service.ts';
import { html, type SafeHtml } from '../html.ts';
import type { Translate } from '../../i18n/i18n.translate.ts';
import { layout, type PageContext } from './layout.view.ts';
import { local, notice, progressBar, ui, words } from './admin.parts.ts';
import { thumbUrl } from '../thumbnails.ts';

export interface IndexingView {
  overview: IndexOverview;
  failures: { model: string; items: FailedImage[]; page: number; hasMore: boolean } | null;
  notice?: string | undefined;
  error?: string | undefined;
}

export function etaText(t: Translate, seconds: number | null): string {
  if (seconds === null) return '—';
  if (seconds < 90) return t('idxEtaSeconds', { count: Math.max(1, Math.round(seconds)) });
  return t('idxEtaMinutes', { count: Math.round(seconds / 60) });
}

/** «Индексация»: each model's progress (live with the script), the failed photos, and the buttons. */
export function indexingPage(ctx: PageContext, view: IndexingView): string {
  const t = words(ctx);
  const { overview } = view;
  return layout(
    ctx,
    t('indexingTitle'),
    html`<div class="mx-auto max-w-5xl space-y-6" data-indexing>
      <header>
        <h1 class="${ui.h1}">${t('indexingTitle')}</h1>
        <p class="mt-2 max-w-3xl text-slate-600">${t('indexingIntro')}</p>
      </header>
      ${notice(view.notice)} ${notice(view.error, 'error')}
      ${
        overview.unavailable
          ? notice(t('idxUnavailable', { reason: overview.unavailable }), 'error')
          : html`<section class="${`${ui.card} space-y-2`}" data-testid="serving">
                <p class="font-medium text-slate-900">
                  ${overview.serving ? t('idxServing', { model: overview.serving }) : t('idxServingNone')}
                </p>
                ${overview.building ? html`<p class="text-sm text-slate-600">${t('idxBuilding', { model: overview.building })}</p>` : ''}
                <form
                  method="post"
                  action="${local(ctx, '/indexing/reindex')}"
                  enctype="multipart/form-data"
                  class="pt-2"
                >
                  <button class="${ui.secondary}" data-testid="reindex-all">${t('idxReindexAll')}</button>
                  <p class="${ui.hint}">${t('idxReindexHint')}</p>
                </form>
              </section>
              ${
                overview.models.length === 0
                  ? html`<p class="text-slate-500">${t('idxNoModels')}</p>`
                  : overview.models.map((m) => modelCard(ctx, t, m))
              }
              ${view.failures ? failures(ctx, t, view.failures) : ''}`
      }
    </div>`,
    {
      scripts: overview.unavailable ? [] : ['/assets/indexing.js'],
      words: {
        rate: t('idxRateValue'),
        of: t('idxOf'),
        etaSeconds: t('idxEtaSeconds'),
        etaMinutes: t('idxEtaMinutes'),
      },
    },
  );
}

function modelCard(ctx: PageContext, t: Translate, m: ModelIndexState): SafeHtml {
  const locale = ctx.lang === 'ru' ? 'ru-RU' : 'en-US';
  const badge = (text: string, colour: string) =>
    html`<span class="${`rounded-full px-2.5 py-0.5 text-xs font-medium ring-1 ${colour}`}">${text}</span>`;
  const stat = (label: string, field: string, value: string, colour = 'text-slate-900') =>
    html`<div class="rounded-xl bg-slate-50 px-3 py-2">
      <dt class="text-xs text-slate-500">${label}</dt>
      <dd class="${`text-lg font-semibold ${colour}`}" data-field="${field}">${value}</dd>
    </div>`;
  return html`<section class="${`${ui.card} space-y-4`}" data-model="${m.model}" data-testid="model-card">
    <div class="flex flex-wrap items-center gap-2">
      <h2 class="${`${ui.h2} mr-2 font-mono`}">${m.model}</h2>
      ${m.serving ? badge(t('idxServingBadge'), 'bg-violet-50 text-violet-800 ring-violet-200') : ''}
      ${m.configured ? badge(t('idxConfiguredBadge'), 'bg-slate-100 text-slate-700 ring-slate-200') : ''}
      ${m.pinned ? badge(t('idxPinnedBadge'), 'bg-amber-50 text-amber-800 ring-amber-200') : ''}
      ${
        m.complete
          ? badge(t('idxCompleteBadge'), 'bg-emerald-50 text-emerald-800 ring-emerald-200')
          : badge(t('idxIncompleteBadge'), 'bg-slate-100 text-slate-600 ring-slate-200')
      }
      <span class="${`text-xs text-violet-700 ${m.running ? '' : 'hidden'}`}" data-field="running"
        >● ${t('idxRunning')}</span
      >
    </div>
    ${progressBar(m.done, m.total, m.model)}
    <p class="text-sm text-slate-600" data-field="of">${t('idxOf', { done: m.done, total: m.total })}</p>
    <dl class="grid grid-cols-2 gap-3 sm:grid-cols-5">
      ${stat(t('idxDone'), 'done', m.done.toLocaleString(locale))}
      ${stat(t('idxPending'), 'pending', m.pending.toLocaleString(locale))}
      ${stat(t('idxFailed'), 'failed', m.failed.toLocaleString(locale), m.failed ? 'text-red-700' : 'text-slate-900')}
      ${stat(t('idxRate'), 'rate', m.images_per_s > 0 ? t('idxRateValue', { rate: m.images_per_s }) : '—')}
      ${stat(t('idxEta'), 'eta', m.pending ? etaText(t, m.eta_s) : '—')}
    </dl>
    <div class="${`flex flex-wrap gap-3 ${m.failed || (m.complete && !m.serving) ? '' : 'hidden'}`}">
      ${
        m.failed
          ? html`<form method="post" action="${local(ctx, '/indexing/retry')}" enctype="multipart/form-data">
              <input type="hidden" name="model" value="${m.model}" />
              <button class="${ui.secondary}" data-testid="retry-all">${t('idxRetryAll')}</button>
            </form>`
          : ''
      }
      ${
        m.complete && !m.serving
          ? html`<form
              method="post"
              action="${local(ctx, '/indexing/activate')}"
              enctype="multipart/form-data"
            >
              <input type="hidden" name="model" value="${m.model}" />
              <button class="${ui.primary}" data-testid="activate">${t('idxActivate')}</button>
            </form>`
          : ''
      }
    </div>
  </section>`;
}

function failures(ctx: PageContext, t: Translate, f: NonNullable<IndexingView['failures']>): SafeHtml {
  const pageLink = (page: number) =>
    local(ctx, `/indexing?model=${encodeURIComponent(f.model)}&page=${page}`);
  return html`<section class="${ui.card}" data-testid="failures">
    <h2 class="${ui.h2}">${t('idxFailures', { model: f.model })}</h2>
    ${
      f.items.length === 0
        ? html`<p class="mt-3 text-sm text-slate-500">${t('idxNoFailures')}</p>`
        : html`<ul class="mt-4 divide-y divide-slate-100">
            ${f.items.map(
              (item) =>
                html`<li class="flex flex-col gap-2 py-3 sm:flex-row sm:items-center" data-testid="failure">
                  ${
                    item.sha256
                      ? html`<img
                          src="${thumbUrl(item.sha256, 160)}"
                          alt=""
                          class="h-14 w-14 flex-none rounded-lg bg-slate-100 object-cover"
                        />`
                      : ''
                  }
                  <div class="min-w-0 flex-1">
                    <a class="${`${ui.link} font-medium`}" href="${local(ctx, `/products/${item.productId}`)}"
                      >${item.productName ?? `#${item.productId}`}</a
                    >
                    <p class="break-words text-sm text-slate-600">${item.reason}</p>
                    <p class="text-xs text-slate-400">${t('idxAttempts')}: ${item.attempts}</p>
                  </div>
                  <form method="post" action="${local(ctx, '/indexing/retry')}" enctype="multipart/form-data">
                    <input type="hidden" name="model" value="${f.model}" />
                    <input type="hidden" name="image" value="${item.imageId}" />
                    <button class="${ui.small}" data-testid="retry-one">${t('idxRetry')}</button>
                  </form>
                </li>`,
            )}
          </ul>`
    }
    ${
      f.page > 1 || f.hasMore
        ? html`<nav class="mt-3 flex gap-3 text-sm">
            ${f.page > 1 ? html`<a class="${ui.link}" href="${pageLink(f.page - 1)}">← ${t('idxPrevious')}</a>` : ''}
            ${f.hasMore ? html`<a class="${ui.link}" href="${pageLink(f.page + 1)}">${t('idxMore')} →</a>` : ''}
          </nav>`
        : ''
    }
  </section>`;
}
