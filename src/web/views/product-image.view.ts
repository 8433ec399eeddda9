import { html } from '../html.ts';
import { thumbUrl } from '../thumbnails.ts';
import type { PageContext } from './layout.view.ts';
import { photoIcon } from './icons.view.ts';

/**
 * A product photo at the size the page shows it: a thumbnail for 1x screens and one twice as
 * wide for 2x, contained (packshots are never cropped), lazy unless it is the page's main image,
 * and with its box size set so nothing moves when it arrives.
 */
export function productImage(
  ctx: PageContext,
  sha256: string | null,
  options: {
    alt: string;
    /** the CSS width (px) the page displays the image at */
    size: number;
    /** the image's own pixels, when known: it is shown at most that large, never upscaled */
    natural?: { width: number; height: number };
    eager?: boolean;
    testId?: string;
  },
) {
  if (!sha256) {
    return html`<div
      class="grid h-full w-full place-items-center text-slate-300"
      role="img"
      aria-label="${ctx.t('noPhoto')}"
    >
      ${photoIcon({ class: 'h-12 w-12', strokeWidth: '1.5' })}
    </div>`;
  }
  const { size, natural } = options;
  // Fit inside size × size without enlarging: the width and height the image will occupy.
  const scale = natural ? Math.min(1, size / natural.width, size / natural.height) : 1;
  const width = natural ? Math.max(1, Math.round(natural.width * scale)) : size;
  const height = natural ? Math.max(1, Math.round(natural.height * scale)) : size;
  const fill = natural ? 'max-h-full max-w-full' : 'h-full w-full';
  // A 2x candidate only when the photo has the pixels for it: else the browser would halve its size.
  const sharp2x = !natural || (natural.width >= width * 2 && natural.height >= height * 2);
  const srcset = `${thumbUrl(sha256, size)} 1x${sharp2x ? `, ${thumbUrl(sha256, size * 2)} 2x` : ''}`;
  return html`<img
    src="${thumbUrl(sha256, size)}"
    srcset="${srcset}"
    alt="${options.alt}"
    width="${width}"
    height="${height}"
    ${options.eager ? '' : html`loading="lazy"`}
    decoding="async"
    ${options.testId ? html`data-testid="${options.testId}"` : ''}
    class="${fill} object-contain"
  />`;
}
