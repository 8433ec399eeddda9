import type { Role } from '../../auth/auth.types.ts';
import { html, type SafeHtml } from '../html.ts';
import { roleName } from './form.parts.ts';
import { canEdit, localHref, type PageContext } from './layout.view.ts';

export interface PageAccount {
  email: string;
  role: Role;
}

const item = 'block rounded-lg px-3 py-2 text-slate-700 hover:bg-slate-100';

/**
 * The header's account menu: a <details> disclosure, so it opens without JavaScript and fits a
 * phone; the sign-out is a form (POST), never a link a prefetcher could follow.
 */
export function accountMenu(ctx: PageContext): SafeHtml {
  const { t } = ctx;
  const account = ctx.account;
  if (!account) {
    if (ctx.signinForm) return html``;
    return html`<a
      class="rounded-md bg-violet-600 px-3 py-1.5 font-medium text-white hover:bg-violet-700"
      href="${localHref(ctx, '/signin')}"
      data-testid="signin-link"
      >${t('signIn')}</a
    >`;
  }
  return html`<details class="relative" data-testid="account-menu">
    <summary
      class="flex cursor-pointer list-none items-center gap-2 rounded-md p-0.5 text-slate-600 hover:bg-slate-100 [&::-webkit-details-marker]:hidden"
      aria-label="${account.email}"
    >
      <span
        class="grid h-8 w-8 place-items-center rounded-full bg-violet-100 text-sm font-semibold uppercase text-violet-700"
        >${account.email.slice(0, 1)}</span
      >
      <span class="hidden max-w-[14rem] truncate lg:inline">${account.email}</span>
    </summary>
    <div
      class="absolute right-0 z-40 mt-2 w-60 rounded-xl border border-slate-200 bg-white p-1 text-sm shadow-lg"
    >
      <p class="border-b border-slate-100 px-3 py-2">
        <span class="block truncate font-medium text-slate-900">${account.email}</span>
        <span class="text-xs text-slate-500">${roleName(ctx, account.role)}</span>
      </p>
      <a class="${item}" href="${localHref(ctx, '/profile')}">${t('profile')}</a>
      ${
        canEdit(ctx)
          ? html`<a class="${item}" href="${localHref(ctx, '/imports')}" data-testid="menu-import"
                >${t('navImport')}</a
              >
              <a class="${item}" href="${localHref(ctx, '/indexing')}">${t('navIndexing')}</a>`
          : ''
      }
      ${
        account.role === 'admin'
          ? html`<a class="${item}" href="${localHref(ctx, '/users')}">${t('users')}</a>
              <a class="${item}" href="${localHref(ctx, '/tokens')}">${t('tokens')}</a>
              <a class="${item}" href="${localHref(ctx, '/audit')}">${t('audit')}</a>`
          : ''
      }
      <form method="post" action="${localHref(ctx, '/signout')}" class="border-t border-slate-100 pt-1">
        <button type="submit" class="${item} w-full text-left" data-testid="signout">${t('signOut')}</button>
      </form>
    </div>
  </details>`;
}
