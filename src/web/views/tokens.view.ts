import { ROLES } from '../../auth/auth.types.ts';
import type { TokenRow } from '../../auth/tokens.repository.ts';
import { html, type SafeHtml } from '../html.ts';
import { dangerButton, inputClass, localPath, notice, primaryButton, secretBox, when } from './form.parts.ts';
import { layout, type PageContext } from './layout.view.ts';

export interface TokensView {
  tokens: TokenRow[];
  /** the token just created: shown once */
  created?: { token: string; name: string } | undefined;
  error?: string | undefined;
}

export function tokensPage(ctx: PageContext, view: TokensView): string {
  const a = ctx.t.auth;
  return layout(
    ctx,
    a.tokens,
    html`<div class="mx-auto max-w-5xl space-y-6">
      <div>
        <h1 class="text-2xl font-semibold text-slate-900">${a.tokens}</h1>
        <p class="mt-1 text-sm text-slate-500">${a.tokensIntro}</p>
      </div>
      ${view.created ? secretBox(a.tokenCreated, view.created.token) : ''}
      ${view.error ? notice('error', view.error, 'form-error') : ''}
      <section class="rounded-2xl border border-slate-200 bg-white p-4 shadow-sm sm:p-6">
        <h2 class="text-lg font-semibold text-slate-900">${a.createToken}</h2>
        <form
          method="post"
          action="${localPath(ctx, '/tokens')}"
          class="mt-4 flex flex-col gap-3 sm:flex-row sm:items-end"
          data-testid="create-token"
        >
          <label class="block flex-1 text-sm">
            <span class="mb-1 block font-medium text-slate-700">${a.tokenName}</span>
            <input name="name" required maxlength="100" autocomplete="off" class="${inputClass}" />
          </label>
          <label class="block text-sm">
            <span class="mb-1 block font-medium text-slate-700">${a.role}</span>
            <select name="role" class="${inputClass} sm:w-44">
              ${ROLES.map((r) => html`<option value="${r}">${a.roles[r]}</option>`)}
            </select>
          </label>
          <button type="submit" class="${primaryButton}">${a.createToken}</button>
        </form>
      </section>
      ${
        view.tokens.length
          ? html`<ul
              class="divide-y divide-slate-200 rounded-2xl border border-slate-200 bg-white shadow-sm"
              data-testid="tokens"
            >
              ${view.tokens.map((t) => tokenRow(ctx, t))}
            </ul>`
          : html`<p
              class="rounded-2xl border border-dashed border-slate-300 bg-white p-8 text-center text-slate-500"
            >
              ${a.noTokens}
            </p>`
      }
    </div>`,
  );
}

function tokenRow(ctx: PageContext, t: TokenRow): SafeHtml {
  const a = ctx.t.auth;
  return html`<li
    class="flex flex-col gap-3 p-4 sm:flex-row sm:items-center ${t.revokedAt ? 'opacity-60' : ''}"
    data-token="${t.name}"
  >
    <div class="min-w-0 flex-1">
      <p class="break-all font-medium text-slate-900">
        ${t.name}
        <span class="ml-2 rounded-full bg-violet-100 px-2 py-0.5 text-xs font-medium text-violet-800"
          >${a.roles[t.role]}</span
        >
      </p>
      <p class="mt-1 text-xs text-slate-500">
        ${a.created}: ${when(t.createdAt, ctx.lang)} · ${a.createdBy}: ${t.createdBy} · ${a.lastUsed}:
        ${t.lastUsedAt ? `${when(t.lastUsedAt, ctx.lang)} (${t.lastUsedAddress ?? ''})` : a.neverUsed}
      </p>
    </div>
    ${
      t.revokedAt
        ? html`<span class="text-sm text-slate-500">${a.revoked} ${when(t.revokedAt, ctx.lang)}</span>`
        : html`<form method="post" action="${localPath(ctx, `/tokens/${t.id}/revoke`)}">
            <button type="submit" class="${dangerButton}">${a.revoke}</button>
          </form>`
    }
  </li>`;
}
