import { html } from '../html.ts';
import type { PageContext } from './layout.view.ts';

const text = {
  ru: {
    title: 'Поиск по фото',
    drop: 'Перетащите фото сюда, вставьте из буфера (Ctrl+V) или нажмите, чтобы выбрать',
    formats: 'PNG, JPG, GIF или WEBP, до 10 МБ',
    url: 'или ссылка на изображение',
    rotateLeft: 'Повернуть влево',
    rotateRight: 'Повернуть вправо',
    another: 'Другое фото',
    threshold: 'Порог сходства',
    thresholdHint: 'Выше — строже: меньше, но точнее',
    find: 'Найти похожие',
    cancel: 'Отмена',
    close: 'Закрыть',
    searching: 'Ищем…',
    auto: 'авто',
    closest: 'Показать ближайшие',
  },
  en: {
    title: 'Search by photo',
    drop: 'Drop a photo here, paste it (Ctrl+V) or click to choose one',
    formats: 'PNG, JPG, GIF or WEBP, up to 10 MB',
    url: 'or an image link',
    rotateLeft: 'Rotate left',
    rotateRight: 'Rotate right',
    another: 'Another photo',
    threshold: 'Similarity threshold',
    thresholdHint: 'Higher is stricter: fewer, closer matches',
    find: 'Find similar',
    cancel: 'Cancel',
    close: 'Close',
    searching: 'Searching…',
    auto: 'auto',
    closest: 'Show the closest',
  },
};

/** The «По фото» dialog; photo-search.js brings it to life (drop, paste, crop, rotate, submit). */
export function photoModal(ctx: PageContext, threshold: number) {
  const t = text[ctx.lang];
  return html`<div
    id="photo-modal"
    class="fixed inset-0 z-50 hidden items-center justify-center bg-slate-900/60 p-4 backdrop-blur-sm"
    data-testid="photo-modal"
    data-searching="${t.searching}"
    data-find="${t.find}"
  >
    <div
      role="dialog"
      aria-modal="true"
      aria-labelledby="photo-modal-title"
      class="w-full max-w-xl rounded-2xl bg-white p-6 shadow-2xl"
      id="photo-dialog"
    >
      <div class="mb-4 flex items-center justify-between">
        <h2 id="photo-modal-title" class="text-lg font-semibold text-slate-900">${t.title}</h2>
        <button
          type="button"
          data-close
          class="rounded-lg p-1 text-slate-400 hover:bg-slate-100 hover:text-slate-700"
          aria-label="${t.close}"
        >
          ✕
        </button>
      </div>
      <form id="photo-form" novalidate>
        <input
          id="photo-file"
          type="file"
          name="image"
          accept="image/png,image/jpeg,image/gif,image/webp"
          class="sr-only"
          tabindex="-1"
        />
        <label
          for="photo-file"
          id="photo-drop"
          tabindex="0"
          role="button"
          class="flex cursor-pointer flex-col items-center justify-center gap-2 rounded-xl border-2 border-dashed border-slate-300 px-6 py-10 text-center transition duration-200 hover:border-violet-400 hover:bg-violet-50/50 focus:outline-none focus:ring-4 focus:ring-violet-200"
          data-testid="drop-zone"
        >
          <svg
            viewBox="0 0 24 24"
            class="h-10 w-10 text-violet-500"
            fill="none"
            stroke="currentColor"
            stroke-width="1.5"
            aria-hidden="true"
          >
            <rect x="3" y="4" width="18" height="16" rx="2" />
            <circle cx="9" cy="10" r="2" />
            <path d="m21 16-5-5-9 9" />
          </svg>
          <span class="text-sm font-medium text-slate-700">${t.drop}</span>
          <span class="text-xs text-slate-400">${t.formats}</span>
        </label>
        <div id="photo-preview" class="hidden">
          <div class="max-h-80 overflow-hidden rounded-xl bg-slate-100">
            <img id="photo-img" alt="" class="block max-h-80 max-w-full" data-testid="preview" />
          </div>
          <div class="mt-2 flex gap-2 text-sm">
            <button
              type="button"
              data-rotate="-90"
              class="rounded-lg px-3 py-1.5 text-slate-600 ring-1 ring-slate-200 hover:bg-slate-50"
            >
              ⟲ ${t.rotateLeft}
            </button>
            <button
              type="button"
              data-rotate="90"
              class="rounded-lg px-3 py-1.5 text-slate-600 ring-1 ring-slate-200 hover:bg-slate-50"
            >
              ⟳ ${t.rotateRight}
            </button>
            <button
              type="button"
              id="photo-reset"
              class="ml-auto rounded-lg px-3 py-1.5 text-slate-500 hover:bg-slate-100"
            >
              ${t.another}
            </button>
          </div>
        </div>
        <label class="mt-4 block text-sm">
          <span class="mb-1 block text-slate-500">${t.url}</span>
          <input
            id="photo-url"
            name="url"
            type="url"
            inputmode="url"
            placeholder="https://…"
            class="w-full rounded-lg border border-slate-300 px-3 py-2 outline-none focus:border-violet-500 focus:ring-2 focus:ring-violet-100"
          />
        </label>
        <label class="mt-4 block text-sm">
          <span class="flex items-center justify-between text-slate-700"
            ><span>${t.threshold}</span
            ><output id="photo-threshold-value" class="font-mono text-violet-700">${t.auto}</output></span
          >
          <input
            id="photo-threshold"
            name="threshold"
            type="range"
            min="0"
            max="1"
            step="0.01"
            value="${threshold.toFixed(2)}"
            class="mt-1 w-full accent-violet-600"
          />
          <span class="text-xs text-slate-400">${t.thresholdHint}</span>
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
          ${t.closest}
        </button>
        <div class="mt-6 flex justify-end gap-3">
          <button
            type="button"
            data-close
            class="rounded-xl bg-slate-100 px-5 py-2.5 font-medium text-slate-700 hover:bg-slate-200"
          >
            ${t.cancel}
          </button>
          <button
            type="submit"
            id="photo-submit"
            disabled
            class="inline-flex items-center gap-2 rounded-xl bg-violet-600 px-5 py-2.5 font-medium text-white shadow-sm hover:bg-violet-700 disabled:cursor-not-allowed disabled:opacity-50"
          >
            ${t.find}
          </button>
        </div>
      </form>
    </div>
  </div>`;
}
