/** Markup that is already safe; everything else interpolated into `html` is escaped. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString() {
    return this.value;
  }
}

export const raw = (value: string) => new SafeHtml(value);

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
export const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

type Value = SafeHtml | string | number | boolean | null | undefined | Value[];

function render(value: Value): string {
  if (value === null || value === undefined || value === false) return '';
  if (Array.isArray(value)) return value.map(render).join('');
  if (value instanceof SafeHtml) return value.value;
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: Value[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((v, i) => (out += render(v) + (strings[i + 1] ?? '')));
  return new SafeHtml(out);
}

/** Puts markup (code, links) into a translated sentence at its `{name}` places. */
export function fill(sentence: string, parts: Record<string, SafeHtml>): SafeHtml[] {
  return sentence.split(/(\{\w+\})/).map((piece) => parts[piece.slice(1, -1)] ?? html`${piece}`);
}

/** A command or a value people may copy, as it is in every language. */
export const code = (text: string) =>
  html`<code class="break-all rounded bg-black/5 px-1 py-0.5 font-mono text-[0.85em]">${text}</code>`;
