import { ROLES } from '../../auth/auth.types.ts';
import type { TokenRow } from '../../auth/tokens.repository.ts';
import { html, type SafeHtml } from '../html.ts';
import { inputClass, primaryButton, dangerButton, notice, secretBox, when, roleName } from './form.parts.ts';
import { layout, localHref, type PageContext } from './layout.view.ts';

export interface TokensView {
  tokens: TokenRow[];
  /** the token just created: shown once */
  created?: { token: string; name: string } | undefined;
  error?: string | undefined;
}

export function tokensPage(ctx: PageContext, view: TokensView): string {
  const { t } = ctx;
  return layout(
    ctx,
    t('tokens'),
    html`<div class="mx-auto max-w-5xl space-y-6">
      <div>
        <h1 class="text-2xl font-semibold text-slate-900">${t('tokens')}</h1>
        <p class="mt-1 text-sm text-slate-500">${t('tokensIntro')}</p>
      </div>
      ${view.created ? secretBox(t('tokenCreated'), view.created.token) : ''}
      ${view.error ? notice('error', view.error, 'form-error') : ''}
      <section class="rounded-2xl border border-slate-200 bg-white p-4 shadow-sm sm:p-6">
        <h2 class="text-lg font-semibold text-slate-900">${t('tokenCreate')}</h2>
        <form
          method="post"
          action="${localHref(ctx, '/tokens')}"
          class="mt-4 flex flex-col gap-3 sm:flex-row sm:items-end"
          data-testid="create-token"
        >
          <label class="block flex-1 text-sm">
            <span class="mb-1 block font-medium text-slate-700">${t('tokenName')}</span>
            <input name="name" required maxlength="100" autocomplete="off" class="${inputClass}" />
          </label>
          <label class="block text-sm">
            <span class="mb-1 block font-medium text-slate-700">${t('role')}</span>
            <select name="role" class="${inputClass} sm:w-44">
              ${ROLES.map((r) => html`<option value="${r}">${roleName(ctx, r)}</option>`)}
            </select>
          </label>
          <button type="submit" class="${primaryButton}">${t('tokenCreate')}</button>
        </form>
      </section>
      ${
        view.tokens.length
          ? html`<ul
              class="divide-y divide-slate-200 rounded-2xl border border-slate-200 bg-white shadow-sm"
              data-testid="tokens"
            >
              ${view.tokens.map((token) => tokenRow(ctx, token))}
            </ul>`
          : html`<p
              class="rounded-2xl border border-dashed border-slate-300 bg-white p-8 text-center text-slate-500"
            >
              ${t('tokensEmpty')}
            </p>`
      }
    </div>`,
  );
}

function tokenRow(ctx: PageContext, token: TokenRow): SafeHtml {
  const { t } = ctx;
  return html`<li
    class="flex flex-col gap-3 p-4 sm:flex-row sm:items-center ${token.revokedAt ? 'opacity-60' : ''}"
    data-token="${token.name}"
  >
    <div class="min-w-0 flex-1">
      <p class="break-all font-medium text-slate-900">
        ${token.name}
        <span class="ml-2 rounded-full bg-violet-100 px-2 py-0.5 text-xs font-medium text-violet-800"
          >${roleName(ctx, token.role)}</span
        >
      </p>
      <p class="mt-1 text-xs text-slate-500">
        ${t('tokenCreatedAt')}: ${when(token.createdAt, ctx.lang)} · ${t('tokenCreatedBy')}:
        ${token.createdBy} · ${t('tokenLastUsed')}:
        ${token.lastUsedAt ? `${when(token.lastUsedAt, ctx.lang)} (${token.lastUsedAddress ?? ''})` : t('tokenNeverUsed')}
      </p>
    </div>
    ${
      token.revokedAt
        ? html`<span class="text-sm text-slate-500"
            >${t('tokenRevoked')} ${when(token.revokedAt, ctx.lang)}</span
          >`
        : html`<form method="post" action="${localHref(ctx, `/tokens/${token.id}/revoke`)}">
            <button type="submit" class="${dangerButton}">${t('tokenRevoke')}</button>
          </form>`
    }
  </li>`;
}
