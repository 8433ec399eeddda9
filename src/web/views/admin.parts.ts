import { html, type SafeHtml } from '../html.ts';
import type { Translate } from '../../i18n/i18n.translate.ts';
import type { PageContext } from './layout.view.ts';

/** Shared look of the catalog management pages (import, editing, indexing). */
export const ui = {
  card: 'rounded-2xl border border-slate-200 bg-white p-5 shadow-sm sm:p-6',
  h1: 'text-2xl font-semibold tracking-tight text-slate-900',
  h2: 'text-lg font-semibold text-slate-900',
  label: 'mb-1 block text-sm font-medium text-slate-700',
  hint: 'mt-1 block text-xs text-slate-500',
  input:
    'w-full rounded-lg border border-slate-300 bg-white px-3 py-2 text-base outline-none focus:border-violet-500 focus:ring-2 focus:ring-violet-100 sm:text-sm',
  file: 'block w-full text-sm text-slate-600 file:mr-3 file:rounded-lg file:border-0 file:bg-violet-50 file:px-3 file:py-2 file:font-medium file:text-violet-700 hover:file:bg-violet-100',
  primary:
    'inline-flex items-center justify-center gap-2 rounded-xl bg-violet-600 px-5 py-2.5 font-medium text-white shadow-sm transition hover:bg-violet-700 focus:outline-none focus:ring-4 focus:ring-violet-200 disabled:opacity-50',
  secondary:
    'inline-flex items-center justify-center gap-2 rounded-xl bg-white px-4 py-2 font-medium text-slate-700 ring-1 ring-slate-300 transition hover:bg-slate-50',
  small:
    'inline-flex items-center justify-center rounded-lg px-3 py-2 text-sm font-medium text-slate-700 ring-1 ring-slate-300 hover:bg-slate-50 disabled:opacity-40 sm:px-2.5 sm:py-1.5 sm:text-xs',
  danger:
    'inline-flex items-center justify-center gap-2 rounded-xl bg-red-600 px-5 py-2.5 font-medium text-white shadow-sm hover:bg-red-700 focus:outline-none focus:ring-4 focus:ring-red-200',
  link: 'text-violet-700 hover:underline',
} as const;

export function words(ctx: PageContext): Translate {
  return ctx.t;
}

/** A path in the page's language (?lang=en kept). */
export function local(ctx: PageContext, path: string): string {
  if (ctx.lang !== 'en') return path;
  return `${path}${path.includes('?') ? '&' : '?'}lang=en`;
}

export function notice(message: string | undefined, kind: 'ok' | 'error' = 'ok'): SafeHtml | '' {
  if (!message) return '';
  return kind === 'ok'
    ? html`<p
        class="rounded-xl bg-emerald-50 px-4 py-3 text-sm text-emerald-800 ring-1 ring-emerald-200"
        role="status"
        data-testid="notice"
      >
        ${message}
      </p>`
    : html`<p
        class="rounded-xl bg-red-50 px-4 py-3 text-sm text-red-800 ring-1 ring-red-200"
        role="alert"
        data-testid="form-error"
      >
        ${message}
      </p>`;
}

/** Widths of the bar in 5% steps, written out for Tailwind to find (inline styles are refused by the CSP). */
const WIDTHS = [
  'w-[0%]',
  'w-[5%]',
  'w-[10%]',
  'w-[15%]',
  'w-[20%]',
  'w-[25%]',
  'w-[30%]',
  'w-[35%]',
  'w-[40%]',
  'w-[45%]',
  'w-[50%]',
  'w-[55%]',
  'w-[60%]',
  'w-[65%]',
  'w-[70%]',
  'w-[75%]',
  'w-[80%]',
  'w-[85%]',
  'w-[90%]',
  'w-[95%]',
  'w-[100%]',
];

/** A progress bar people and screen readers can read; `data-*` lets the page's script move it. */
export function progressBar(done: number, total: number | null, label: string): SafeHtml {
  const pct = total ? Math.min(100, Math.floor((done / total) * 100)) : 0;
  const width = WIDTHS[Math.floor(pct / 5)]!;
  return html`<div
    class="h-3 w-full overflow-hidden rounded-full bg-slate-100 ring-1 ring-slate-200"
    role="progressbar"
    aria-label="${label}"
    aria-valuemin="0"
    aria-valuemax="100"
    aria-valuenow="${pct}"
    data-progress
  >
    <div
      class="${`h-full rounded-full bg-violet-600 transition-all duration-500 ${width}`}"
      data-progress-fill
    ></div>
  </div>`;
}
