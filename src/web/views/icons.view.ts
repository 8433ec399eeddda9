import { html, type SafeHtml } from '../html.ts';

/**
 * The picture icon (a frame with a sun and a hill): «По фото», the drop zone and a product
 * without a photo. Decorative, so hidden from screen readers; the caller labels what holds it.
 */
export function photoIcon(options: { class: string; strokeWidth: '1.5' | '2' }): SafeHtml {
  return html`<svg
    viewBox="0 0 24 24"
    class="${options.class}"
    fill="none"
    stroke="currentColor"
    stroke-width="${options.strokeWidth}"
    aria-hidden="true"
  >
    <rect x="3" y="4" width="18" height="16" rx="2" />
    <circle cx="9" cy="10" r="2" />
    <path d="m21 16-5-5-9 9" />
  </svg>`;
}
