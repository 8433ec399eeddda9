import type { AuditEntry } from '../../auth/audit.repository.ts';
import { html, type SafeHtml } from '../html.ts';
import { AUDIT_ACTIONS, inputClass, secondaryButton, when, roleName, actionName } from './form.parts.ts';
import { layout, localHref, type PageContext } from './layout.view.ts';

export interface AuditView {
  entries: AuditEntry[];
  action?: string | undefined;
  /** the id to continue from, when there are older entries */
  nextBefore?: number | undefined;
}

export function auditPage(ctx: PageContext, view: AuditView): string {
  const { t } = ctx;
  const older = view.nextBefore
    ? localHref(
        ctx,
        `/audit?before=${view.nextBefore}${view.action ? `&action=${encodeURIComponent(view.action)}` : ''}`,
      )
    : null;
  return layout(
    ctx,
    t('auditTitle'),
    html`<div class="mx-auto max-w-6xl space-y-6">
      <div class="flex flex-col gap-3 sm:flex-row sm:items-end sm:justify-between">
        <h1 class="text-2xl font-semibold text-slate-900">${t('auditTitle')}</h1>
        <form method="get" action="/audit" class="flex gap-2">
          ${ctx.lang === 'en' ? html`<input type="hidden" name="lang" value="en" />` : ''}
          <select
            name="action"
            aria-label="${t('auditAction')}"
            class="${inputClass} sm:w-60"
            data-autosubmit
          >
            <option value="">${t('auditAllActions')}</option>
            ${AUDIT_ACTIONS.map(
              (value) =>
                html`<option value="${value}" ${value === view.action ? 'selected' : ''}>
                  ${actionName(ctx, value)}
                </option>`,
            )}
          </select>
          <button type="submit" class="${secondaryButton}">${t('show')}</button>
        </form>
      </div>
      ${
        view.entries.length
          ? html`<ol
              class="divide-y divide-slate-200 rounded-2xl border border-slate-200 bg-white shadow-sm"
              data-testid="audit"
            >
              <li
                class="hidden gap-4 px-4 py-2 text-xs font-semibold uppercase tracking-wide text-slate-500 sm:grid sm:grid-cols-[11rem_1fr_1fr_8rem]"
                aria-hidden="true"
              >
                <span>${t('auditTime')}</span><span>${t('auditAction')}</span><span>${t('auditWho')}</span
                ><span>${t('auditAddress')}</span>
              </li>
              ${view.entries.map((e) => entryRow(ctx, e))}
            </ol>`
          : html`<p
              class="rounded-2xl border border-dashed border-slate-300 bg-white p-8 text-center text-slate-500"
            >
              ${t('auditEmpty')}
            </p>`
      }
      ${older ? html`<a href="${older}" class="${secondaryButton}" data-testid="older">${t('auditOlder')}</a>` : ''}
    </div>`,
    { scripts: ['/assets/products.js'] },
  );
}

function entryRow(ctx: PageContext, e: AuditEntry): SafeHtml {
  const failed = e.action === 'signin.failed';
  const details = e.details
    ? Object.entries(e.details)
        .map(
          ([k, v]) =>
            `${k}: ${typeof v === 'object' ? JSON.stringify(v) : (roleName(ctx, String(v)) ?? String(v))}`,
        )
        .join(', ')
    : '';
  return html`<li
    class="grid gap-1 p-4 text-sm sm:grid-cols-[11rem_1fr_1fr_8rem] sm:gap-4"
    data-action="${e.action}"
  >
    <time class="text-slate-500" datetime="${new Date(e.at).toISOString()}">${when(e.at, ctx.lang)}</time>
    <p class="break-all text-slate-900">
      <span class="font-medium ${failed ? 'text-rose-700' : ''}"
        >${actionName(ctx, e.action) ?? e.action}</span
      >
      ${e.subject ? html`<span class="text-slate-600"> · ${e.subject}</span>` : ''}
      ${details ? html`<span class="block text-xs text-slate-500">${details}</span>` : ''}
    </p>
    <p class="break-all text-slate-700">${e.actor}</p>
    <p class="break-all text-xs text-slate-500 sm:text-sm">${e.address ?? ''}</p>
  </li>`;
}
