import { PASSWORD_MIN } from '../../auth/password.policy.ts';
import { html } from '../html.ts';
import {
  primaryButton,
  dangerButton,
  field,
  notice,
  narrowCard,
  when,
  roleName,
  roleHint,
} from './form.parts.ts';
import { layout, localHref, type PageContext } from './layout.view.ts';

export function signinPage(
  ctx: PageContext,
  view: {
    error?: string | undefined;
    email?: string | undefined;
    next?: string | undefined;
    setupPending?: boolean;
  },
): string {
  const { t } = ctx;
  return layout(
    { ...ctx, signinForm: true },
    t('signInTitle'),
    narrowCard(
      html`<h1 class="text-2xl font-semibold text-slate-900">${t('signInTitle')}</h1>
        <p class="mt-1 text-sm text-slate-500">${t('signInIntro')}</p>
        ${view.setupPending ? html`<div class="mt-4">${setupNotice(ctx, true)}</div>` : ''}
        ${view.error && !view.setupPending ? html`<div class="mt-4">${notice('error', view.error, 'signin-error')}</div>` : ''}
        <form
          method="post"
          action="${localHref(ctx, '/signin')}"
          class="mt-6 space-y-4"
          data-testid="signin-form"
        >
          ${view.next ? html`<input type="hidden" name="next" value="${view.next}" />` : ''}
          ${field(t('email'), { name: 'email', type: 'email', value: view.email, autocomplete: 'username' })}
          ${field(t('password'), { name: 'password', type: 'password', autocomplete: 'current-password' })}
          <button type="submit" class="${primaryButton} w-full">${t('signIn')}</button>
        </form>`,
    ),
  );
}

/** A new password with its rule, then its confirmation: the same pair on every form that sets one. */
function newPasswordFields(t: PageContext['t'], label: string) {
  return html`${field(label, {
    name: 'password',
    type: 'password',
    autocomplete: 'new-password',
    hint: t('passwordHint', { min: PASSWORD_MIN }),
  })}
  ${field(t('confirmPassword'), { name: 'confirm', type: 'password', autocomplete: 'new-password' })}`;
}

function setupNotice(ctx: PageContext, titled: boolean) {
  const { t } = ctx;
  return notice(
    'info',
    html`${titled ? html`<p class="mb-1 font-medium">${t('setupNeededTitle')}</p>` : ''}
      <p>${t('setupNeeded')}</p>
      <p class="mt-2">${t('setupNeededCli')}</p>
      <code
        class="mt-1 block overflow-x-auto whitespace-nowrap rounded bg-white/70 px-2 py-1 font-mono text-xs"
        >npx vitrina user add you@example.com --role admin</code
      >`,
    'setup-needed',
  );
}

/** `/` while nobody has an account yet. */
export function setupNeededPage(ctx: PageContext): string {
  const { t } = ctx;
  return layout(
    { ...ctx, signinForm: true },
    t('setupNeededTitle'),
    narrowCard(
      html`<h1 class="mb-4 text-2xl font-semibold text-slate-900">${t('setupNeededTitle')}</h1>
        ${setupNotice(ctx, false)}`,
    ),
  );
}

/** The first-administrator form behind the one-time setup link. */
export function setupPage(
  ctx: PageContext,
  view: { action: string; error?: string; email?: string },
): string {
  const { t } = ctx;
  return layout(
    { ...ctx, signinForm: true },
    t('setupTitle'),
    narrowCard(
      html`<h1 class="text-2xl font-semibold text-slate-900">${t('setupTitle')}</h1>
        <p class="mt-1 text-sm text-slate-500">${t('setupIntro')}</p>
        ${view.error ? html`<div class="mt-4">${notice('error', view.error, 'form-error')}</div>` : ''}
        <form
          method="post"
          action="${localHref(ctx, view.action)}"
          class="mt-6 space-y-4"
          data-testid="setup-form"
        >
          ${field(t('email'), { name: 'email', type: 'email', value: view.email, autocomplete: 'username' })}
          ${newPasswordFields(t, t('password'))}
          <button type="submit" class="${primaryButton} w-full">${t('setupSubmit')}</button>
        </form>`,
    ),
  );
}

/** An invitation or reset link: the person sets their own password. */
export function passwordLinkPage(
  ctx: PageContext,
  view: { action: string; purpose: 'invite' | 'reset'; email: string; error?: string },
): string {
  const { t } = ctx;
  const title = view.purpose === 'invite' ? t('inviteTitle') : t('resetTitle');
  return layout(
    { ...ctx, signinForm: true },
    title,
    narrowCard(
      html`<h1 class="text-2xl font-semibold text-slate-900">${title}</h1>
        <p class="mt-1 text-sm text-slate-500">${t('linkIntro', { email: view.email })}</p>
        ${view.error ? html`<div class="mt-4">${notice('error', view.error, 'form-error')}</div>` : ''}
        <form
          method="post"
          action="${localHref(ctx, view.action)}"
          class="mt-6 space-y-4"
          data-testid="link-form"
        >
          <input type="email" name="username" value="${view.email}" autocomplete="username" hidden />
          ${newPasswordFields(t, t('newPassword'))}
          <button type="submit" class="${primaryButton} w-full">${t('savePassword')}</button>
        </form>`,
    ),
  );
}

export function profilePage(
  ctx: PageContext,
  view: {
    email: string;
    role: string;
    lastSigninAt: Date | null;
    error?: string | undefined;
    done?: boolean | undefined;
  },
): string {
  const { t } = ctx;
  return layout(
    ctx,
    t('profileTitle'),
    html`<div class="mx-auto max-w-2xl space-y-6">
      <h1 class="text-2xl font-semibold text-slate-900">${t('profileTitle')}</h1>
      <section class="rounded-2xl border border-slate-200 bg-white p-6 shadow-sm">
        <dl class="grid gap-3 text-sm sm:grid-cols-[10rem_1fr]">
          <dt class="text-slate-500">${t('email')}</dt>
          <dd class="break-all font-medium text-slate-900" data-testid="profile-email">${view.email}</dd>
          <dt class="text-slate-500">${t('role')}</dt>
          <dd>
            <span class="font-medium text-slate-900">${roleName(ctx, view.role)}</span>
            <span class="text-slate-500"> — ${roleHint(ctx, view.role)}</span>
          </dd>
          <dt class="text-slate-500">${t('lastSignin')}</dt>
          <dd class="text-slate-700">${when(view.lastSigninAt, ctx.lang)}</dd>
        </dl>
      </section>
      <section class="rounded-2xl border border-slate-200 bg-white p-6 shadow-sm">
        <h2 class="text-lg font-semibold text-slate-900">${t('changePassword')}</h2>
        ${view.done ? html`<div class="mt-4">${notice('success', t('passwordChanged'), 'password-changed')}</div>` : ''}
        ${view.error ? html`<div class="mt-4">${notice('error', view.error, 'form-error')}</div>` : ''}
        <form method="post" action="${localHref(ctx, '/profile/password')}" class="mt-4 space-y-4">
          <input type="email" name="username" value="${view.email}" autocomplete="username" hidden />
          ${field(t('currentPassword'), { name: 'current', type: 'password', autocomplete: 'current-password' })}
          ${newPasswordFields(t, t('newPassword'))}
          <button type="submit" class="${primaryButton}">${t('changePasswordSubmit')}</button>
        </form>
      </section>
      <section class="rounded-2xl border border-slate-200 bg-white p-6 shadow-sm">
        <form
          method="post"
          action="${localHref(ctx, '/profile/signout-everywhere')}"
          class="flex flex-wrap items-center gap-4"
        >
          <button type="submit" class="${dangerButton}">${t('signOutEverywhere')}</button>
          <p class="text-sm text-slate-500">${t('signOutEverywhereHint')}</p>
        </form>
      </section>
    </div>`,
  );
}
