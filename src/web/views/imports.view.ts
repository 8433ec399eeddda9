import type { ImportJob, ImportRowError, ImportStatus } from '../../import/import-job.repository.ts';
import { FIELDS, REQUIRED_FIELDS, type ColumnMapping } from '../../import/column.mapping.ts';
import { formatBytes, formatDateTime } from '../../i18n/i18n.format.ts';
import { html, type SafeHtml } from '../html.ts';
import type { Translate } from '../../i18n/i18n.translate.ts';
import { layout, type PageContext } from './layout.view.ts';
import { local, notice, progressBar, ui, words } from './admin.parts.ts';

export interface ImportLimitsView {
  fileBytes: number;
  zipBytes: number;
}

const FINISHED: readonly ImportStatus[] = ['done', 'failed', 'cancelled'];
/** rows of the failures table shown on the page; all of them are in the CSV */
export const ERRORS_SHOWN = 200;

const STATUS_STYLE: Record<ImportStatus, string> = {
  mapping: 'bg-amber-50 text-amber-800 ring-amber-200',
  queued: 'bg-slate-100 text-slate-700 ring-slate-200',
  running: 'bg-violet-50 text-violet-800 ring-violet-200',
  done: 'bg-emerald-50 text-emerald-800 ring-emerald-200',
  failed: 'bg-red-50 text-red-800 ring-red-200',
  cancelled: 'bg-slate-100 text-slate-600 ring-slate-200',
};

function statusBadge(t: Translate, status: ImportStatus): SafeHtml {
  return html`<span
    class="${`inline-flex self-start rounded-full px-2.5 py-0.5 text-xs font-medium ring-1 ${STATUS_STYLE[status]}`}"
    data-testid="import-status"
    data-status="${status}"
    >${t(`status_${status}`)}</span
  >`;
}

export interface ImportsView {
  jobs: ImportJob[];
  suppliers: string[];
  limits: ImportLimitsView;
  error?: string | undefined;
  values?: { supplier?: string; sheet?: string } | undefined;
}

/** «Импорт»: the upload form and the recent imports. */
export function importsPage(ctx: PageContext, view: ImportsView): string {
  const t = words(ctx);
  const { lang } = ctx;
  return layout(
    ctx,
    t('importTitle'),
    html`<div class="mx-auto max-w-4xl space-y-6">
      <header>
        <h1 class="${ui.h1}">${t('importTitle')}</h1>
        <p class="mt-2 max-w-3xl text-slate-600">${t('importIntro')}</p>
      </header>
      ${notice(view.error, 'error')}
      <form
        method="post"
        action="${local(ctx, '/imports')}"
        enctype="multipart/form-data"
        class="${`${ui.card} grid gap-5 sm:grid-cols-2`}"
        data-testid="import-form"
      >
        <label class="sm:col-span-2">
          <span class="${ui.label}">${t('importFile')}</span>
          <input
            type="file"
            name="file"
            required
            accept=".xlsx,.csv,.jsonl,.ndjson,.json,.txt,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"
            class="${ui.file}"
          />
          <span class="${ui.hint}"
            >${t('importFileHint', { size: formatBytes(view.limits.fileBytes, lang) })}</span
          >
        </label>
        <label class="sm:col-span-2">
          <span class="${ui.label}">${t('importImages')}</span>
          <input type="file" name="images" accept=".zip,application/zip" class="${ui.file}" />
          <span class="${ui.hint}"
            >${t('importImagesHint', { size: formatBytes(view.limits.zipBytes, lang) })}</span
          >
        </label>
        <label>
          <span class="${ui.label}">${t('importSupplier')}</span>
          <input
            name="supplier"
            list="known-suppliers"
            maxlength="200"
            autocomplete="off"
            value="${view.values?.supplier ?? ''}"
            class="${ui.input}"
          />
          <datalist id="known-suppliers">
            ${view.suppliers.map((s) => html`<option value="${s}"></option>`)}
          </datalist>
          <span class="${ui.hint}">${t('importSupplierHint')}</span>
        </label>
        <label>
          <span class="${ui.label}">${t('importSheet')}</span>
          <input name="sheet" maxlength="100" value="${view.values?.sheet ?? ''}" class="${ui.input}" />
          <span class="${ui.hint}">${t('importSheetHint')}</span>
        </label>
        <label class="flex items-center gap-2 text-sm text-slate-700 sm:col-span-2">
          <input
            type="checkbox"
            name="review"
            value="1"
            class="h-4 w-4 rounded border-slate-300 text-violet-600"
          />
          ${t('importReview')}
        </label>
        <div class="sm:col-span-2">
          <button class="${ui.primary}" data-testid="import-submit">${t('importSubmit')}</button>
        </div>
      </form>
      <section class="${ui.card}">
        <h2 class="${ui.h2}">${t('importRecent')}</h2>
        ${view.jobs.length === 0 ? html`<p class="mt-3 text-sm text-slate-500">${t('importNone')}</p>` : recentList(ctx, t, view.jobs)}
      </section>
    </div>`,
  );
}

function recentList(ctx: PageContext, t: Translate, jobs: ImportJob[]): SafeHtml {
  return html`<ul class="mt-3 divide-y divide-slate-100" data-testid="import-list">
    ${jobs.map(
      (job) =>
        html`<li class="flex flex-col gap-1 py-3 sm:flex-row sm:items-center sm:gap-4">
          <a
            href="${local(ctx, `/imports/${job.id}`)}"
            class="${`${ui.link} min-w-0 flex-1 truncate font-medium`}"
            >${t('importHeading', { id: job.id })} · ${job.fileName}</a
          >
          <span class="text-sm text-slate-500">
            ${
              job.status === 'done' || job.processedRows > 0
                ? t('importResult', { imported: job.imported, updated: job.updated, failed: job.failed })
                : ''
            }
          </span>
          ${statusBadge(t, job.status)}
          <span class="text-xs text-slate-400"
            >${t('importByWhen', { who: job.createdBy, when: formatDateTime(job.createdAt, ctx.lang) })}</span
          >
        </li>`,
    )}
  </ul>`;
}

export interface ImportJobView {
  job: ImportJob;
  errors: ImportRowError[];
}

/** One import: progress while it runs (live with the script, by refresh without it), then its summary. */
export function importJobPage(ctx: PageContext, view: ImportJobView): string {
  const t = words(ctx);
  const { job } = view;
  const finished = FINISHED.includes(job.status);
  const errorsLeft = Math.max(0, job.failed - view.errors.length);
  const facts = [
    t('importFileLabel', { file: job.fileName }),
    job.imagesName ? t('importImagesLabel', { file: job.imagesName }) : '',
    job.supplier ? t('importSupplierLabel', { supplier: job.supplier }) : '',
    job.sheet ? t('importSheetLabel', { sheet: job.sheet }) : '',
    t('importByWhen', { who: job.createdBy, when: formatDateTime(job.createdAt, ctx.lang) }),
  ].filter(Boolean);
  return layout(
    ctx,
    t('importHeading', { id: job.id }),
    html`${finished ? '' : html`<noscript><meta http-equiv="refresh" content="3" /></noscript>`}
      <div class="mx-auto max-w-4xl space-y-6" data-import-job="${job.id}" data-import-status="${job.status}">
        <a href="${local(ctx, '/imports')}" class="${`${ui.link} text-sm`}">← ${t('importTitle')}</a>
        <header class="flex flex-wrap items-start gap-3">
          <div class="min-w-0 flex-1">
            <h1 class="${ui.h1}">${t('importHeading', { id: job.id })}</h1>
            <ul class="mt-2 flex flex-wrap gap-x-4 gap-y-1 text-sm text-slate-500">
              ${facts.map((f) => html`<li class="break-all">${f}</li>`)}
            </ul>
          </div>
          ${statusBadge(t, job.status)}
        </header>
        ${
          job.status === 'mapping'
            ? html`<p>
                <a class="${ui.primary}" href="${local(ctx, `/imports/${job.id}/mapping`)}"
                  >${t('importChooseColumns')}</a
                >
              </p>`
            : ''
        }
        ${job.errorEn ? notice(`${t('importNotDone')}: ${ctx.lang === 'ru' ? job.errorRu : job.errorEn}`, 'error') : ''}
        <section class="${`${ui.card} space-y-4`}" data-testid="import-progress">
          ${
            job.status === 'running' || job.status === 'queued'
              ? html`<p class="text-sm text-slate-600" data-field="progress-text">
                    ${
                      job.totalRows === null
                        ? t('importReading')
                        : t('importProgress', { done: job.processedRows, total: job.totalRows })
                    }
                  </p>
                  ${progressBar(job.processedRows, job.totalRows, t('status_running'))}`
              : ''
          }
          <dl class="grid grid-cols-3 gap-3 text-center">
            ${(
              [
                ['importNew', 'imported', job.imported, 'text-emerald-700'],
                ['importUpdated', 'updated', job.updated, 'text-slate-900'],
                ['importFailed', 'failed', job.failed, job.failed ? 'text-red-700' : 'text-slate-900'],
              ] as const
            ).map(
              ([label, field, value, colour]) =>
                html`<div class="rounded-xl bg-slate-50 px-2 py-3">
                  <dd
                    class="${`text-2xl font-semibold ${colour}`}"
                    data-field="${field}"
                    data-testid="count-${field}"
                  >
                    ${value.toLocaleString(ctx.lang === 'ru' ? 'ru-RU' : 'en-US')}
                  </dd>
                  <dt class="text-xs text-slate-500">${t(label)}</dt>
                </div>`,
            )}
          </dl>
          ${job.strayImages ? html`<p class="text-sm text-amber-800">${t('importStray', { count: job.strayImages })}</p>` : ''}
          ${job.cellImages ? html`<p class="text-sm text-amber-800" data-testid="cell-images">${t('importCellImages', { count: job.cellImages })}</p>` : ''}
          ${
            job.status === 'done' && job.imported + job.updated > 0
              ? html`<p class="text-sm text-slate-500">
                  <a class="${ui.link}" href="${local(ctx, '/indexing')}">${t('importIndexNote')}</a>
                </p>`
              : ''
          }
          <div class="flex flex-wrap gap-3">
            ${
              ['mapping', 'queued', 'running'].includes(job.status)
                ? html`<form
                    method="post"
                    action="${local(ctx, `/imports/${job.id}/cancel`)}"
                    enctype="multipart/form-data"
                  >
                    <button class="${ui.secondary}">${t('importCancel')}</button>
                  </form>`
                : ''
            }
            ${
              finished
                ? html`<a class="${ui.primary}" href="${local(ctx, '/products?sort=newest')}"
                      >${t('importSeeProducts')}</a
                    >
                    <a class="${ui.secondary}" href="${local(ctx, '/imports')}">${t('importAgain')}</a>`
                : ''
            }
          </div>
        </section>
        ${view.errors.length ? failures(ctx, t, job, view.errors, errorsLeft) : ''}
      </div>`,
    {
      scripts: finished ? [] : ['/assets/import-progress.js'],
      // {done} and {total} are filled by the script
      words: { reading: t('importReading'), progress: t('importProgress') },
    },
  );
}

function failures(
  ctx: PageContext,
  t: Translate,
  job: ImportJob,
  errors: ImportRowError[],
  left: number,
): SafeHtml {
  return html`<section class="${ui.card}" data-testid="import-errors">
    <div class="flex flex-wrap items-center gap-3">
      <h2 class="${`${ui.h2} flex-1`}">${t('importFailedRows')}</h2>
      <a
        class="${ui.secondary}"
        href="${local(ctx, `/imports/${job.id}/errors.csv`)}"
        download
        data-testid="errors-csv"
        >${t('importDownloadCsv')}</a
      >
    </div>
    <div class="mt-4 overflow-x-auto">
      <table class="w-full text-left text-sm">
        <thead class="text-xs uppercase tracking-wide text-slate-500">
          <tr>
            <th class="py-2 pr-4">${t('importLine')}</th>
            <th class="py-2 pr-4">${t('importSku')}</th>
            <th class="py-2">${t('importReason')}</th>
          </tr>
        </thead>
        <tbody class="divide-y divide-slate-100">
          ${errors.map(
            (e) =>
              html`<tr data-testid="error-row">
                <td class="py-2 pr-4 font-mono">${e.line}</td>
                <td class="py-2 pr-4 font-mono">${e.sku ?? '—'}</td>
                <td class="py-2 text-slate-700">${ctx.lang === 'ru' ? e.reasonRu : e.reasonEn}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>
    ${left > 0 ? html`<p class="mt-3 text-sm text-slate-500">${t('importMoreErrors', { count: left })}</p>` : ''}
  </section>`;
}

export interface MappingView {
  job: ImportJob;
  mapping: ColumnMapping;
  remembered: boolean;
  error?: string | undefined;
}

/** The column mapping step: for each product field, the column of the file that holds it. */
export function mappingPage(ctx: PageContext, view: MappingView): string {
  const t = words(ctx);
  const { job, mapping } = view;
  const samples = (column: string) => job.samples[column]?.slice(0, 3).join(' · ') ?? '';
  return layout(
    ctx,
    t('mappingTitle'),
    html`<div class="mx-auto max-w-3xl space-y-6">
      <a href="${local(ctx, `/imports/${job.id}`)}" class="${`${ui.link} text-sm`}"
        >← ${t('importHeading', { id: job.id })}</a
      >
      <header>
        <h1 class="${ui.h1}">${t('mappingTitle')}</h1>
        <p class="mt-2 text-slate-600">${t('mappingIntro', { file: job.fileName })}</p>
        ${
          job.supplier
            ? html`<p class="mt-1 text-sm text-slate-500">
                ${view.remembered ? t('mappingRemembered', { supplier: job.supplier }) : t('mappingRemember', { supplier: job.supplier })}
              </p>`
            : ''
        }
      </header>
      ${notice(view.error, 'error')}
      ${
        job.sheets.length > 1
          ? html`<form
              method="post"
              action="${local(ctx, `/imports/${job.id}/sheet`)}"
              enctype="multipart/form-data"
              class="${`${ui.card} flex flex-wrap items-end gap-3`}"
            >
              <label class="min-w-0 flex-1">
                <span class="${ui.label}">${t('mappingSheet')}</span>
                <select name="sheet" class="${ui.input}">
                  ${job.sheets.map((s) => html`<option value="${s}" ${s === job.sheet ? 'selected' : ''}>${s}</option>`)}
                </select>
              </label>
              <button class="${ui.secondary}">${t('mappingSheetApply')}</button>
            </form>`
          : ''
      }
      <section class="${ui.card}" data-testid="file-columns">
        <h2 class="${ui.h2}">${t('mappingInFile')}</h2>
        <dl class="mt-3 grid gap-x-6 gap-y-2 text-sm sm:grid-cols-[auto_1fr]">
          ${job.columns.map(
            (c) =>
              html`<dt class="font-medium text-slate-800">${c}</dt>
                <dd class="min-w-0 truncate text-slate-500">
                  ${job.samples[c]?.slice(0, 3).join(' · ') || '—'}
                </dd>`,
          )}
        </dl>
      </section>
      <form
        method="post"
        action="${local(ctx, `/imports/${job.id}/mapping`)}"
        enctype="multipart/form-data"
        class="${`${ui.card} space-y-4`}"
        data-testid="mapping-form"
      >
        ${FIELDS.map((field) => {
          const required = REQUIRED_FIELDS.includes(field);
          return html`<label class="block">
            <span class="${ui.label}"
              >${t(`field_${field}`)}${required ? html` <span class="text-xs font-normal text-red-600">(${t('mappingRequired')})</span>` : ''}</span
            >
            <select
              name="${field}"
              class="${ui.input}"
              ${required ? 'required' : ''}
              data-testid="map-${field}"
            >
              <option value="">${t('mappingNone')}</option>
              ${job.columns.map(
                (c) =>
                  html`<option value="${c}" ${mapping[field] === c ? 'selected' : ''}>
                    ${c}${samples(c) ? ` — ${samples(c)}` : ''}
                  </option>`,
              )}
            </select>
          </label>`;
        })}
        <button class="${ui.primary}" data-testid="mapping-submit">${t('mappingStart')}</button>
      </form>
    </div>`,
  );
}
