import { formatBytes } from '../../i18n/i18n.format.ts';
import { wordsFor } from '../../i18n/i18n.translate.ts';
import type { WordKey } from '../../i18n/i18n.words.ts';
import type { PhotoAvailability } from '../../search/photo-availability.ts';
import { html } from '../html.ts';
import type { LayoutOptions, PageContext } from './layout.view.ts';
import { photoIcon } from './icons.view.ts';

/** The words photo-search.js shows; it reads them from the page's data island. */
const SCRIPT_WORDS = [
  'find',
  'searching',
  'photoNotImage',
  'photoTooLarge',
  'photoEmptyFile',
  'photoUnreadable',
  'photoNoAnswer',
  'photoFailed',
] as const satisfies readonly WordKey[];

export function photoModalAssets(ctx: PageContext, uploadMaxBytes: number): LayoutOptions {
  return {
    scripts: ['/assets/products.js', '/assets/photo-search.js'],
    vendorScripts: ['/vendor/cropperjs/cropper.min.js'],
    styles: ['/vendor/cropperjs/cropper.min.css'],
    words: wordsFor(ctx.t, SCRIPT_WORDS, { size: formatBytes(uploadMaxBytes, ctx.lang) }),
  };
}

/** One sentence saying why search by photo is off (the button's tooltip and the page's notice). */
export function photoUnavailableReason(
  ctx: PageContext,
  photo: Extract<PhotoAvailability, { status: 'off' }>,
) {
  const { t } = ctx;
  switch (photo.reason) {
    case 'vector_store':
      return t('photoOffVectors');
    case 'model':
      return t('photoOffModel', { model: photo.model });
    case 'no_images':
      return t('photoOffNoImages');
    case 'indexing': {
      const percent = photo.total ? Math.floor((photo.done / photo.total) * 100) : 0;
      const params = { percent, done: photo.done, total: photo.total };
      return photo.running ? t('photoOffIndexing', params) : t('photoOffNotIndexed', params);
    }
  }
}

const icon = (d: string) =>
  html`<svg
    viewBox="0 0 24 24"
    class="h-5 w-5 shrink-0"
    fill="none"
    stroke="currentColor"
    stroke-width="2"
    aria-hidden="true"
  >
    <path d="${d}" />
  </svg>`;

/** The «По фото» dialog; photo-search.js brings it to life (drop, paste, crop, rotate, submit). */
export function photoModal(ctx: PageContext, options: { threshold: number; uploadMaxBytes: number }) {
  const { t } = ctx;
  const value = options.threshold.toFixed(2);
  const button =
    'inline-flex items-center justify-center gap-2 rounded-xl px-4 py-2.5 font-medium focus:outline-none focus:ring-4 focus:ring-violet-200';
  return html`<div
    id="photo-modal"
    class="fixed inset-0 z-50 hidden items-stretch justify-center bg-slate-900/60 backdrop-blur-sm sm:items-center sm:p-4"
    data-testid="photo-modal"
    data-max-bytes="${options.uploadMaxBytes}"
  >
    <div
      role="dialog"
      aria-modal="true"
      aria-labelledby="photo-modal-title"
      class="flex h-full w-full flex-col bg-white shadow-2xl sm:h-auto sm:max-h-[calc(100vh-2rem)] sm:max-w-xl sm:rounded-2xl"
      id="photo-dialog"
    >
      <div class="flex items-center justify-between border-b border-slate-100 px-4 py-3 sm:px-6 sm:py-4">
        <h2 id="photo-modal-title" class="text-lg font-semibold text-slate-900">${t('photoTitle')}</h2>
        <button
          type="button"
          data-close
          class="-m-1 grid h-10 w-10 place-items-center rounded-lg text-slate-400 hover:bg-slate-100 hover:text-slate-700"
          aria-label="${t('close')}"
        >
          ✕
        </button>
      </div>
      <form id="photo-form" novalidate class="flex min-h-0 flex-1 flex-col">
        <div class="min-h-0 flex-1 overflow-y-auto px-4 py-4 sm:px-6">
          <!-- Reached through their labels (the drop zone, «Выбрать», «Сделать фото»), never on their own. -->
          <input id="photo-file" type="file" accept="image/png,image/jpeg,image/gif,image/webp" hidden />
          <input id="photo-camera" type="file" accept="image/*" capture="environment" hidden />
          <div id="photo-pick">
            <label
              for="photo-file"
              id="photo-drop"
              tabindex="0"
              role="button"
              aria-describedby="photo-formats"
              class="group hidden cursor-pointer flex-col items-center justify-center gap-2 rounded-xl border-2 border-dashed border-slate-300 px-6 py-10 text-center transition duration-150 hover:border-violet-400 hover:bg-violet-50/50 focus:outline-none focus:ring-4 focus:ring-violet-200 sm:flex"
              data-testid="drop-zone"
            >
              ${photoIcon({ class: 'h-10 w-10 text-violet-500', strokeWidth: '1.5' })}
              <span class="drop-idle text-sm font-medium text-slate-700">${t('photoDrop')}</span>
              <span class="drop-release text-base font-semibold text-violet-800"
                >${t('photoDropRelease')}</span
              >
            </label>
            <div class="grid grid-cols-2 gap-3 sm:hidden">
              <label
                for="photo-camera"
                role="button"
                tabindex="0"
                data-pick
                class="${button} flex-col bg-violet-600 py-6 text-white"
              >
                ${icon('M3 8h4l2-3h6l2 3h4v12H3zM12 17a4 4 0 1 0 0-8 4 4 0 0 0 0 8z')} ${t('photoTake')}
              </label>
              <label
                for="photo-file"
                role="button"
                tabindex="0"
                data-pick
                class="${button} flex-col bg-violet-50 py-6 text-violet-800 ring-1 ring-violet-200"
              >
                ${icon('M4 4h16v16H4zM4 16l5-5 4 4 3-3 4 4')} ${t('photoChoose')}
              </label>
            </div>
            <p id="photo-formats" class="mt-2 text-center text-xs text-slate-500">
              ${t('photoFormats', { size: formatBytes(options.uploadMaxBytes, ctx.lang) })}
            </p>
          </div>
          <div id="photo-preview" class="hidden">
            <div
              id="photo-stage"
              tabindex="-1"
              role="group"
              aria-label="${t('photoPreview')}"
              aria-describedby="photo-crop-hint"
              class="h-64 w-full overflow-hidden rounded-xl bg-slate-100 p-3 outline-none focus-visible:ring-4 focus-visible:ring-violet-300 sm:h-80"
              data-testid="photo-stage"
            >
              <!-- the cropper fills this box; the stage's padding leaves room for the frame's handles -->
              <div class="h-full w-full">
                <img
                  id="photo-img"
                  alt="${t('photoPreview')}"
                  class="block max-w-full"
                  data-testid="preview"
                />
              </div>
            </div>
            <p id="photo-crop-hint" class="mt-2 text-xs text-slate-500">${t('cropHint')}</p>
            <div class="mt-2 flex flex-wrap gap-2 text-sm">
              <button
                type="button"
                data-rotate="-90"
                class="rounded-lg px-3 py-2 text-slate-700 ring-1 ring-slate-200 hover:bg-slate-50"
              >
                ⟲ ${t('rotateLeft')}
              </button>
              <button
                type="button"
                data-rotate="90"
                class="rounded-lg px-3 py-2 text-slate-700 ring-1 ring-slate-200 hover:bg-slate-50"
              >
                ⟳ ${t('rotateRight')}
              </button>
              <button
                type="button"
                id="photo-reset"
                class="ml-auto rounded-lg px-3 py-2 text-slate-600 hover:bg-slate-100"
              >
                ${t('another')}
              </button>
            </div>
          </div>
          <label class="mt-4 block text-sm">
            <span class="mb-1 block text-slate-600">${t('photoUrl')}</span>
            <input
              id="photo-url"
              name="url"
              type="url"
              inputmode="url"
              placeholder="https://…"
              class="w-full rounded-lg border border-slate-300 px-3 py-2.5 text-base outline-none focus:border-violet-500 focus:ring-2 focus:ring-violet-100 sm:text-sm"
            />
          </label>
          <label class="mt-4 block text-sm">
            <span class="flex items-center justify-between text-slate-700"
              ><span>${t('threshold')}</span
              ><output id="photo-threshold-value" for="photo-threshold" class="font-mono text-violet-700"
                >${t('thresholdAuto')}</output
              ></span
            >
            <input
              id="photo-threshold"
              name="threshold"
              type="range"
              min="0"
              max="1"
              step="0.01"
              value="${value}"
              data-default="${value}"
              class="mt-1 w-full accent-violet-600"
            />
            <span class="text-xs text-slate-500">${t('thresholdHint')}</span>
          </label>
          <p
            id="photo-error"
            role="alert"
            class="mt-3 hidden rounded-lg bg-red-50 px-3 py-2 text-sm text-red-700"
            data-testid="photo-error"
          ></p>
          <button
            type="button"
            id="photo-closest"
            class="mt-2 hidden text-sm font-medium text-violet-700 underline hover:text-violet-900"
            data-testid="photo-closest"
          >
            ${t('photoClosest')}
          </button>
        </div>
        <div class="flex justify-end gap-3 border-t border-slate-100 px-4 py-3 sm:px-6 sm:py-4">
          <button
            type="button"
            data-close
            class="${button} flex-1 bg-slate-100 text-slate-700 hover:bg-slate-200 sm:flex-none"
          >
            ${t('cancel')}
          </button>
          <button
            type="submit"
            id="photo-submit"
            disabled
            class="${button} flex-1 bg-violet-600 text-white shadow-sm hover:bg-violet-700 disabled:cursor-not-allowed disabled:opacity-50 sm:flex-none"
          >
            ${t('find')}
          </button>
        </div>
      </form>
    </div>
  </div>`;
}
