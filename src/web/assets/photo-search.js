// The «По фото» dialog: choose, shoot, drop or paste a photo (or give a link), crop and rotate it,
// send it to POST /api/search-by-image and go to the results, keeping the list's filters.
import { t } from './words.js';

const modal = document.getElementById('photo-modal');
const openButton = document.getElementById('photo-search-open');

// Filters that stay applied when a photo search starts (a text query does not: photo mode replaces it).
const KEPT = ['category', 'supplier', 'price_min', 'price_max', 'sort', 'per_page', 'lang'];
// What the server accepts, by content: the same check it makes, so a wrong file never leaves the browser.
const SIGNATURES = [
  { type: 'image/jpeg', bytes: [0xff, 0xd8, 0xff] },
  { type: 'image/png', bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { type: 'image/gif', bytes: [0x47, 0x49, 0x46, 0x38] },
  { type: 'image/webp', bytes: [0x52, 0x49, 0x46, 0x46], at8: [0x57, 0x45, 0x42, 0x50] },
];
const MAX_SIDE = 2048; // the working copy for rotation; the server resizes far below this anyway
const KEY_STEP = 10;

if (modal && openButton) {
  const dialog = document.getElementById('photo-dialog');
  const form = document.getElementById('photo-form');
  const fileInput = document.getElementById('photo-file');
  const cameraInput = document.getElementById('photo-camera');
  const pick = document.getElementById('photo-pick');
  const drop = document.getElementById('photo-drop');
  const preview = document.getElementById('photo-preview');
  const stage = document.getElementById('photo-stage');
  const img = document.getElementById('photo-img');
  const urlInput = document.getElementById('photo-url');
  const slider = document.getElementById('photo-threshold');
  const sliderValue = document.getElementById('photo-threshold-value');
  const errorBox = document.getElementById('photo-error');
  const submit = document.getElementById('photo-submit');
  const closestButton = document.getElementById('photo-closest');
  const maxBytes = Number(modal.dataset.maxBytes);

  let cropper = null;
  let file = null; // the photo as chosen
  let rotation = 0; // quarter turns applied to the working copy
  let userCropped = false; // until the frame is moved, the whole photo is sent
  let thresholdTouched = false;
  let pressedOnBackdrop = false;
  let dragDepth = 0;

  const showError = (message) => {
    errorBox.textContent = message;
    errorBox.classList.toggle('hidden', !message);
    if (message) errorBox.scrollIntoView({ block: 'nearest' });
  };
  const refreshSubmit = () => {
    submit.disabled = !file && !urlInput.value.trim();
  };
  const isOpen = () => !modal.classList.contains('hidden');
  const visible = (el) => el.offsetParent !== null;

  function focusables() {
    return [...dialog.querySelectorAll('button, input:not([type=file]), [tabindex="0"]')].filter(
      (el) => !el.disabled && visible(el),
    );
  }

  function open() {
    modal.classList.remove('hidden');
    modal.classList.add('flex');
    document.body.classList.add('overflow-hidden');
    (focusables().find((el) => pick.contains(el)) ?? focusables()[0])?.focus();
  }

  function close() {
    modal.classList.add('hidden');
    modal.classList.remove('flex');
    document.body.classList.remove('overflow-hidden');
    reset();
    openButton.focus();
  }

  function destroyCropper() {
    cropper?.destroy();
    cropper = null;
    if (img.src) URL.revokeObjectURL(img.src);
    img.removeAttribute('src');
  }

  function reset() {
    closestButton.classList.add('hidden');
    destroyCropper();
    file = null;
    rotation = 0;
    userCropped = false;
    fileInput.value = '';
    cameraInput.value = '';
    preview.classList.add('hidden');
    pick.classList.remove('hidden');
    showError('');
    refreshSubmit();
  }

  async function sniff(candidate) {
    const head = new Uint8Array(await candidate.slice(0, 12).arrayBuffer());
    const matches = (bytes, offset = 0) => bytes.every((b, i) => head[offset + i] === b);
    return SIGNATURES.find((s) => matches(s.bytes) && (!s.at8 || matches(s.at8, 8)))?.type ?? null;
  }

  async function accept(candidate) {
    if (!candidate) return;
    showError('');
    if (candidate.size === 0) return showError(t('photoEmptyFile'));
    if (candidate.size > maxBytes) return showError(t('photoTooLarge'));
    if (!(await sniff(candidate))) return showError(t('photoNotImage'));
    reset();
    file = candidate;
    await show(URL.createObjectURL(candidate));
  }

  /** Shows an image in the stage with a fresh cropper whose frame holds the whole photo. */
  function show(src) {
    return new Promise((resolve) => {
      destroyCropper();
      img.onload = () => {
        img.onload = img.onerror = null;
        pick.classList.add('hidden');
        preview.classList.remove('hidden');
        cropper = new window.Cropper(img, {
          viewMode: 1,
          autoCropArea: 1,
          background: false,
          responsive: true,
          toggleDragModeOnDblclick: false,
          // Browsers apply EXIF orientation themselves; cropper's own check would fetch the blob
          // (refused by a CSP without blob: in connect-src) only to do the same.
          checkOrientation: false,
          cropstart: () => (userCropped = true),
        });
        stage.tabIndex = 0;
        stage.focus();
        refreshSubmit();
        resolve();
      };
      img.onerror = () => {
        img.onload = img.onerror = null;
        reset();
        showError(t('photoUnreadable'));
        resolve();
      };
      img.src = src;
    });
  }

  /**
   * Rotates the photo itself (not only its view), so the cropper fits the turned photo into the
   * stage afresh and, unless the person frames part of it, the whole turned photo is sent.
   */
  async function rotate(degrees) {
    if (!file || !cropper) return;
    rotation = (rotation + degrees / 90 + 4) % 4;
    const bitmap = await createImageBitmap(file);
    const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
    const w = Math.round(bitmap.width * scale);
    const h = Math.round(bitmap.height * scale);
    const canvas = document.createElement('canvas');
    const quarter = rotation % 2 === 1;
    canvas.width = quarter ? h : w;
    canvas.height = quarter ? w : h;
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.translate(canvas.width / 2, canvas.height / 2);
    ctx.rotate((rotation * Math.PI) / 2);
    ctx.drawImage(bitmap, -w / 2, -h / 2, w, h);
    bitmap.close();
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.92));
    userCropped = false;
    // replace() keeps the cropper on screen while it swaps the photo: no flash of the raw image.
    const ready = new Promise((resolve) => img.addEventListener('ready', resolve, { once: true }));
    const previous = img.src;
    cropper.replace(URL.createObjectURL(blob));
    await ready;
    URL.revokeObjectURL(previous);
    stage.focus();
  }

  /** The photo to send: as chosen when untouched, else what the frame holds (all of it unless cropped). */
  function photoBlob() {
    if (!cropper || (!userCropped && rotation === 0)) return Promise.resolve(file);
    const canvas = cropper.getCroppedCanvas({ maxWidth: 1600, maxHeight: 1600, fillColor: '#fff' });
    return new Promise((resolve) => canvas.toBlob((blob) => resolve(blob ?? file), 'image/jpeg', 0.92));
  }

  /** Arrows move the frame, Shift+arrows resize it, [ and ] rotate: cropping without a mouse. */
  function onStageKey(event) {
    if (!cropper) return;
    if (event.key === '[' || event.key === ']') {
      event.preventDefault();
      void rotate(event.key === '[' ? -90 : 90);
      return;
    }
    const delta = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] }[event.key];
    if (!delta) return;
    event.preventDefault();
    const box = cropper.getCropBoxData();
    const [dx, dy] = delta.map((d) => d * KEY_STEP);
    cropper.setCropBoxData(
      event.shiftKey
        ? { width: Math.max(20, box.width + dx), height: Math.max(20, box.height + dy) }
        : { left: box.left + dx, top: box.top + dy },
    );
    userCropped = true;
  }

  openButton.addEventListener('click', open);
  // Closes only on a click that both starts and ends on the backdrop: releasing a drag (resizing
  // the frame, selecting text) outside the dialog keeps it open.
  modal.addEventListener('pointerdown', (event) => (pressedOnBackdrop = event.target === modal));
  modal.addEventListener('click', (event) => {
    if (event.target === modal && pressedOnBackdrop) close();
    pressedOnBackdrop = false;
  });
  for (const button of modal.querySelectorAll('[data-close]')) button.addEventListener('click', close);
  document.addEventListener('keydown', (event) => {
    if (!isOpen()) return;
    if (event.key === 'Escape') {
      event.preventDefault();
      close();
    } else if (event.key === 'Tab') {
      // keep keyboard focus inside the dialog
      const list = focusables();
      const first = list[0];
      const last = list[list.length - 1];
      if (event.shiftKey && document.activeElement === first) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && document.activeElement === last) {
        event.preventDefault();
        first.focus();
      }
    }
  });
  for (const label of modal.querySelectorAll('label[role=button]')) {
    label.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        label.control?.click();
      }
    });
  }
  stage.addEventListener('keydown', onStageKey);
  fileInput.addEventListener('change', () => void accept(fileInput.files?.[0]));
  cameraInput.addEventListener('change', () => void accept(cameraInput.files?.[0]));

  // Drag-over: the whole dialog takes the drop and says so plainly; a drop on the backdrop is
  // swallowed so the browser does not navigate away to the file.
  const dragging = (active) => dialog.classList.toggle('drop-active', active);
  modal.addEventListener('dragenter', (event) => {
    event.preventDefault();
    dragDepth++;
    dragging(true);
  });
  modal.addEventListener('dragover', (event) => event.preventDefault());
  modal.addEventListener('dragleave', () => {
    dragDepth = Math.max(0, dragDepth - 1);
    if (dragDepth === 0) dragging(false);
  });
  modal.addEventListener('drop', (event) => {
    event.preventDefault();
    dragDepth = 0;
    dragging(false);
    void accept(event.dataTransfer?.files?.[0]);
  });
  document.addEventListener('paste', (event) => {
    if (!isOpen()) return;
    const item = [...(event.clipboardData?.items ?? [])].find((i) => i.kind === 'file');
    if (item) {
      event.preventDefault();
      void accept(item.getAsFile());
    }
  });
  for (const button of modal.querySelectorAll('[data-rotate]')) {
    button.addEventListener('click', () => void rotate(Number(button.dataset.rotate)));
  }
  document.getElementById('photo-reset').addEventListener('click', () => {
    reset();
    (focusables().find((el) => pick.contains(el)) ?? dialog).focus();
  });
  urlInput.addEventListener('input', refreshSubmit);
  slider.addEventListener('input', () => {
    thresholdTouched = true;
    sliderValue.textContent = `${Math.round(Number(slider.value) * 100)}%`;
  });

  async function search(closest) {
    showError('');
    closestButton.classList.add('hidden');
    const body = new FormData();
    if (file) body.append('image', await photoBlob(), file.name || 'photo.jpg');
    else if (urlInput.value.trim()) body.append('url', urlInput.value.trim());
    else return;
    // Untouched («авто»), the server gives each photo its own threshold, measured against unrelated
    // pictures; moved, the slider is a plain cosine cut-off.
    if (thresholdTouched) body.append('threshold', slider.value);
    if (closest) body.append('closest', '1');
    submit.disabled = true;
    submit.textContent = t('searching');
    try {
      const response = await fetch('/api/search-by-image', { method: 'POST', body });
      const reply = await response.json().catch(() => ({ success: false }));
      if (reply.success) {
        const target = new URL(reply.redirect, window.location.href);
        const current = new URLSearchParams(window.location.search);
        for (const key of KEPT) if (current.get(key)) target.searchParams.set(key, current.get(key));
        window.location.assign(`${target.pathname}${target.search}`);
        return;
      }
      // `message` is in the page's language; `error` is English, for programs.
      showError(reply.message || t('photoFailed'));
      // «Похожих товаров не найдено»: the closest few only when the person asks for them
      if (reply.code === 'NO_MATCH') closestButton.classList.remove('hidden');
    } catch {
      showError(t('photoNoAnswer'));
    }
    submit.textContent = t('find');
    refreshSubmit();
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void search(false);
  });
  closestButton.addEventListener('click', () => void search(true));
}
