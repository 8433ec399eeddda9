import { isRole, type Role } from '../../auth/auth.types.ts';
import { formatDateTime } from '../../i18n/i18n.format.ts';
import { WORDS, type WordKey } from '../../i18n/i18n.words.ts';
import { html, type SafeHtml } from '../html.ts';
import type { PageContext } from './layout.view.ts';

const ROLE_WORDS: Record<Role, [WordKey, WordKey]> = {
  viewer: ['roleViewer', 'roleHintViewer'],
  editor: ['roleEditor', 'roleHintEditor'],
  admin: ['roleAdmin', 'roleHintAdmin'],
};
export const roleName = (ctx: PageContext, role: string) =>
  isRole(role) ? ctx.t(ROLE_WORDS[role][0]) : role;
export const roleHint = (ctx: PageContext, role: string) => (isRole(role) ? ctx.t(ROLE_WORDS[role][1]) : '');

/** An audit action in words (`audit.<action>` in the dictionary), or its code when it has none. */
export function actionName(ctx: PageContext, action: string): string {
  const key = `audit.${action}`;
  return key in WORDS ? ctx.t(key as WordKey) : action;
}
export const AUDIT_ACTIONS = Object.keys(WORDS)
  .filter((k) => k.startsWith('audit.'))
  .map((k) => k.slice('audit.'.length));

export const inputClass =
  'w-full rounded-lg border border-slate-300 bg-white px-3 py-2.5 text-base outline-none transition focus:border-violet-500 focus:ring-4 focus:ring-violet-100 sm:text-sm';
export const primaryButton =
  'inline-flex items-center justify-center rounded-lg bg-violet-600 px-4 py-2.5 text-sm font-medium text-white shadow-sm transition hover:bg-violet-700 focus:outline-none focus:ring-4 focus:ring-violet-200';
export const secondaryButton =
  'inline-flex items-center justify-center rounded-lg border border-slate-300 bg-white px-3 py-2 text-sm font-medium text-slate-700 transition hover:bg-slate-50';
export const dangerButton =
  'inline-flex items-center justify-center rounded-lg border border-rose-200 bg-white px-3 py-2 text-sm font-medium text-rose-700 transition hover:bg-rose-50';

let hints = 0;

export function field(
  label: string,
  input: {
    name: string;
    type?: string;
    value?: string | undefined;
    autocomplete?: string;
    required?: boolean;
    hint?: string;
  },
): SafeHtml {
  // the hint sits outside the label, so the field's accessible name is the label alone
  const hintId = input.hint ? `hint-${input.name}-${++hints}` : null;
  return html`<div class="text-sm">
    <label class="block">
      <span class="mb-1 block font-medium text-slate-700">${label}</span>
      <input
        name="${input.name}"
        type="${input.type ?? 'text'}"
        value="${input.value ?? ''}"
        ${input.autocomplete ? html`autocomplete="${input.autocomplete}"` : ''}
        ${input.required === false ? '' : 'required'}
        ${hintId ? html`aria-describedby="${hintId}"` : ''}
        class="${inputClass}"
      />
    </label>
    ${hintId ? html`<p id="${hintId}" class="mt-1 text-xs text-slate-500">${input.hint}</p>` : ''}
  </div>`;
}

export function notice(
  kind: 'error' | 'success' | 'info',
  text: SafeHtml | string,
  testId = 'notice',
): SafeHtml {
  const tone = {
    error: 'border-rose-200 bg-rose-50 text-rose-800',
    success: 'border-emerald-200 bg-emerald-50 text-emerald-800',
    info: 'border-violet-200 bg-violet-50 text-violet-900',
  }[kind];
  return html`<div
    class="rounded-xl border px-4 py-3 text-sm ${tone}"
    role="${kind === 'error' ? 'alert' : 'status'}"
    data-testid="${testId}"
  >
    ${text}
  </div>`;
}

/** A secret shown once (a token or a link): selectable in one tap, never truncated. */
export function secretBox(label: string, secret: string): SafeHtml {
  return html`<div class="rounded-xl border border-emerald-200 bg-emerald-50 p-4" data-testid="secret">
    <p class="text-sm text-emerald-900">${label}</p>
    <code
      class="mt-2 block select-all break-all rounded-lg bg-white px-3 py-2 font-mono text-sm text-slate-900 ring-1 ring-emerald-200"
      >${secret}</code
    >
  </div>`;
}

/** A narrow card in the middle of the page: sign-in and the one-time link forms. */
export function narrowCard(body: SafeHtml): SafeHtml {
  return html`<section
    class="mx-auto mt-6 max-w-md rounded-2xl border border-slate-200 bg-white p-6 shadow-sm sm:mt-12 sm:p-8"
  >
    ${body}
  </section>`;
}

export const when = (d: Date | null, lang: PageContext['lang']) => (d ? formatDateTime(d, lang) : '');
