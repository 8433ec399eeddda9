import { AppError } from '../errors/app-error.ts';

// Entries in the error catalogue's format; they move into src/errors/error.catalog.ts when it lands.
type Words<P> = (p: P) => string;
interface Entry<P> {
  status: number;
  en: Words<P>;
  ru: Words<P>;
}
type None = Record<never, never>;
function e<P = None>(status: number, en: Words<P>, ru: Words<P>): Entry<P> {
  return { status, en, ru };
}

const ROLE_RU: Record<string, string> = { viewer: 'читатель', editor: 'редактор', admin: 'администратор' };
const minutes = (s: number) => Math.max(1, Math.ceil(s / 60));

export const AUTH_ERRORS = {
  // ── accounts ──────────────────────────────────────────────────────────────────────────────
  AUTH_REQUIRED: e(
    401,
    () => 'Sign in to continue (or send an API token as "Authorization: Bearer …").',
    () => 'Войдите, чтобы продолжить.',
  ),
  SESSION_ENDED: e(
    401,
    () => 'Your session has ended (signed out, expired, or the password changed). Sign in again.',
    () => 'Сеанс завершён (выход, истёк срок или сменился пароль). Войдите снова.',
  ),
  TOKEN_INVALID: e(
    401,
    () => 'The API token is unknown or revoked.',
    () => 'API-токен неизвестен или отозван.',
  ),
  ROLE_REQUIRED: e<{ needed: string; role: string }>(
    403,
    (p) => `This needs the ${p.needed} role; you are ${p.role}.`,
    (p) => `Для этого нужна роль «${ROLE_RU[p.needed]}», у вас — «${ROLE_RU[p.role]}».`,
  ),
  PERSON_REQUIRED: e(
    403,
    () => 'This page is for a signed-in person; API tokens cannot use it.',
    () => 'Эта страница — для вошедшего пользователя, API-токены сюда не пускают.',
  ),
  ACCESS_UNDECLARED: e(
    403,
    () => 'This route declares no access rule, so it is refused.',
    () => 'Для этого адреса не задано, кому он доступен, поэтому доступ закрыт.',
  ),
  SIGNIN_FAILED: e(
    401,
    () => 'Wrong email or password.',
    () => 'Неверная почта или пароль.',
  ),
  SIGNIN_THROTTLED: e<{ seconds: number }>(
    429,
    (p) => `Too many sign-in attempts. Try again in ${minutes(p.seconds)} min.`,
    (p) => `Слишком много попыток входа. Попробуйте снова через ${minutes(p.seconds)} мин.`,
  ),
  LINK_INVALID: e(
    404,
    () => 'This link is unknown, already used or expired. Ask an administrator for a new one.',
    () => 'Ссылка неизвестна, уже использована или устарела. Попросите у администратора новую.',
  ),
  SETUP_DONE: e(
    410,
    () => 'The first administrator already exists, so setup links no longer work. Sign in instead.',
    () => 'Администратор уже создан, ссылка настройки больше не действует. Войдите.',
  ),
  EMAIL_INVALID: e(
    400,
    () => 'Enter a valid email address.',
    () => 'Введите правильный адрес почты.',
  ),
  PASSWORD_TOO_SHORT: e<{ min: number }>(
    400,
    (p) => `The password must be at least ${p.min} characters long.`,
    (p) => `Пароль должен быть не короче ${p.min} символов.`,
  ),
  PASSWORD_TOO_LONG: e<{ max: number }>(
    400,
    (p) => `The password must be at most ${p.max} characters long.`,
    (p) => `Пароль должен быть не длиннее ${p.max} символов.`,
  ),
  PASSWORD_TOO_COMMON: e(
    400,
    () => 'This password is among the most common ones (or made from your email); choose another.',
    () => 'Этот пароль слишком распространён (или повторяет почту) — придумайте другой.',
  ),
  PASSWORD_MISMATCH: e(
    400,
    () => 'The two passwords differ.',
    () => 'Пароли не совпадают.',
  ),
  PASSWORD_WRONG: e(
    400,
    () => 'The current password is wrong.',
    () => 'Текущий пароль указан неверно.',
  ),
  USER_EXISTS: e<{ email: string }>(
    409,
    (p) => `A user with the email ${p.email} already exists.`,
    (p) => `Пользователь с почтой ${p.email} уже есть.`,
  ),
  USER_NOT_FOUND: e<{ user: string }>(
    404,
    (p) => `No user ${p.user}.`,
    (p) => `Пользователь ${p.user} не найден.`,
  ),
  LAST_ADMIN: e(
    409,
    () => 'This is the last active administrator; make someone else an administrator first.',
    () => 'Это последний действующий администратор: сначала назначьте администратором кого-то ещё.',
  ),
  ROLE_INVALID: e<{ role: string }>(
    400,
    (p) => `Unknown role "${p.role}": use viewer, editor or admin.`,
    (p) => `Неизвестная роль «${p.role}»: бывают viewer, editor и admin.`,
  ),
  TOKEN_NAME_INVALID: e(
    400,
    () => 'Give the token a name of 1 to 100 characters.',
    () => 'Дайте токену название длиной от 1 до 100 символов.',
  ),
  TOKEN_NAME_TAKEN: e<{ name: string }>(
    409,
    (p) => `An active token named "${p.name}" already exists.`,
    (p) => `Действующий токен «${p.name}» уже есть.`,
  ),
  TOKEN_NOT_FOUND: e<{ token: string }>(
    404,
    (p) => `No active token ${p.token}.`,
    (p) => `Действующего токена ${p.token} нет.`,
  ),
};

export type AuthErrorCode = keyof typeof AUTH_ERRORS;
type ParamsOf<C extends AuthErrorCode> = Parameters<(typeof AUTH_ERRORS)[C]['en']>[0];

export function authError<C extends AuthErrorCode>(
  code: C,
  ...[params]: Record<never, never> extends ParamsOf<C> ? [ParamsOf<C>?] : [ParamsOf<C>]
): AppError {
  const entry = AUTH_ERRORS[code] as Entry<Record<string, unknown>>;
  const p = (params ?? {}) as Record<string, unknown>;
  return Object.assign(new AppError(code, entry.en(p), entry.status), { ru: entry.ru(p), params: p });
}

/** A person's words for an error (until the catalogue's error.in(lang) lands). */
export const errorText = (error: AppError, lang: 'ru' | 'en') =>
  (lang === 'ru' && (error as AppError & { ru?: string }).ru) || error.message;
