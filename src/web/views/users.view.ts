import { ROLES } from '../../auth/auth.types.ts';
import type { UserRow } from '../../auth/users.repository.ts';
import { html, type SafeHtml } from '../html.ts';
import {
  inputClass,
  primaryButton,
  secondaryButton,
  dangerButton,
  notice,
  secretBox,
  when,
  roleName,
} from './form.parts.ts';
import { layout, localHref, type PageContext } from './layout.view.ts';

export interface UsersView {
  users: (UserRow & { sessions: number; pendingLink: boolean })[];
  selfId: number;
  /** a link just made for someone: shown once */
  link?: { email: string; url: string } | undefined;
  error?: string | undefined;
  saved?: boolean | undefined;
}

function roleSelect(ctx: PageContext, selected: string, label: string): SafeHtml {
  return html`<select name="role" aria-label="${label}" class="${inputClass} sm:w-44">
    ${ROLES.map(
      (r) => html`<option value="${r}" ${r === selected ? 'selected' : ''}>${roleName(ctx, r)}</option>`,
    )}
  </select>`;
}

export function usersPage(ctx: PageContext, view: UsersView): string {
  const { t } = ctx;
  return layout(
    ctx,
    t('users'),
    html`<div class="mx-auto max-w-5xl space-y-6">
      <h1 class="text-2xl font-semibold text-slate-900">${t('users')}</h1>
      ${view.link ? secretBox(t('userLinkCreated', { email: view.link.email }), view.link.url) : ''}
      ${view.error ? notice('error', view.error, 'form-error') : ''}
      ${view.saved ? notice('success', t('userSaved'), 'saved') : ''}
      <section class="rounded-2xl border border-slate-200 bg-white p-4 shadow-sm sm:p-6">
        <h2 class="text-lg font-semibold text-slate-900">${t('userAdd')}</h2>
        <form
          method="post"
          action="${localHref(ctx, '/users')}"
          class="mt-4 flex flex-col gap-3 sm:flex-row sm:items-end"
          data-testid="add-user"
        >
          <label class="block flex-1 text-sm">
            <span class="mb-1 block font-medium text-slate-700">${t('email')}</span>
            <input name="email" type="email" required autocomplete="off" class="${inputClass}" />
          </label>
          <label class="block text-sm">
            <span class="mb-1 block font-medium text-slate-700">${t('role')}</span>
            ${roleSelect(ctx, 'viewer', t('role'))}
          </label>
          <button type="submit" class="${primaryButton}">${t('userAddSubmit')}</button>
        </form>
      </section>
      <ul
        class="divide-y divide-slate-200 rounded-2xl border border-slate-200 bg-white shadow-sm"
        data-testid="users"
      >
        ${view.users.map((u) => userRow(ctx, u, u.id === view.selfId))}
      </ul>
    </div>`,
  );
}

function userRow(ctx: PageContext, u: UsersView['users'][number], self: boolean): SafeHtml {
  const { t } = ctx;
  const status = u.disabledAt ? t('userDisabled') : !u.passwordHash ? t('userInvited') : t('userActive');
  const tone = u.disabledAt
    ? 'bg-slate-100 text-slate-600'
    : !u.passwordHash
      ? 'bg-amber-100 text-amber-800'
      : 'bg-emerald-100 text-emerald-800';
  const action = (what: string) => localHref(ctx, `/users/${u.id}/${what}`);
  return html`<li class="flex flex-col gap-3 p-4 lg:flex-row lg:items-center" data-user="${u.email}">
    <div class="min-w-0 flex-1">
      <p class="break-all font-medium text-slate-900">
        ${u.email}
        ${self ? html`<span class="text-sm font-normal text-slate-500">(${t('userYou')})</span>` : ''}
      </p>
      <p class="mt-1 flex flex-wrap items-center gap-2 text-xs text-slate-500">
        <span class="rounded-full px-2 py-0.5 font-medium ${tone}">${status}</span>
        <span
          >${t('lastSignin')}:
          ${u.lastSigninAt ? when(u.lastSigninAt, ctx.lang) : t('userNeverSignedIn')}</span
        >
      </p>
    </div>
    <form method="post" action="${action('role')}" class="flex gap-2">
      ${roleSelect(ctx, u.role, `${t('role')}: ${u.email}`)}
      <button type="submit" class="${secondaryButton}">${t('userSave')}</button>
    </form>
    <div class="flex flex-wrap gap-2">
      <form method="post" action="${action('link')}">
        <button type="submit" class="${secondaryButton}">${t('userPasswordLink')}</button>
      </form>
      <form method="post" action="${action(u.disabledAt ? 'enable' : 'disable')}">
        <button type="submit" class="${u.disabledAt ? secondaryButton : dangerButton}">
          ${u.disabledAt ? t('userEnable') : t('userDisable')}
        </button>
      </form>
    </div>
  </li>`;
}
