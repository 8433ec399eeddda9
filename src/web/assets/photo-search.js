// The «По фото» dialog: choose, drop or paste a photo (or give a link), crop and rotate it,
// send it to POST /api/search-by-image and follow the redirect to the results in the list.
const modal = document.getElementById('photo-modal');
const openButton = document.getElementById('photo-search-open');

if (modal && openButton) {
  const form = document.getElementById('photo-form');
  const fileInput = document.getElementById('photo-file');
  const drop = document.getElementById('photo-drop');
  const preview = document.getElementById('photo-preview');
  const img = document.getElementById('photo-img');
  const urlInput = document.getElementById('photo-url');
  const slider = document.getElementById('photo-threshold');
  const sliderValue = document.getElementById('photo-threshold-value');
  const errorBox = document.getElementById('photo-error');
  const submit = document.getElementById('photo-submit');
  const closestButton = document.getElementById('photo-closest');
  // Untouched, the slider sends nothing: each photo then gets its own threshold from the server
  // (measured against unrelated images); moved, it is a plain cosine cut-off.
  let sliderTouched = false;
  let cropper = null;
  let file = null;
  let lastFocus = null;

  const showError = (message) => {
    errorBox.textContent = message;
    errorBox.classList.toggle('hidden', !message);
  };
  const refreshSubmit = () => {
    submit.disabled = !file && !urlInput.value.trim();
  };

  function open() {
    lastFocus = document.activeElement;
    modal.classList.remove('hidden');
    modal.classList.add('flex');
    document.body.style.overflow = 'hidden';
    drop.focus();
  }

  function close() {
    modal.classList.add('hidden');
    modal.classList.remove('flex');
    document.body.style.overflow = '';
    reset();
    lastFocus?.focus();
  }

  function reset() {
    closestButton.classList.add('hidden');
    cropper?.destroy();
    cropper = null;
    file = null;
    if (img.src) URL.revokeObjectURL(img.src);
    img.removeAttribute('src');
    fileInput.value = '';
    preview.classList.add('hidden');
    drop.classList.remove('hidden');
    showError('');
    refreshSubmit();
  }

  function accept(candidate) {
    if (!candidate) return;
    if (!/^image\/(png|jpeg|gif|webp)$/.test(candidate.type)) {
      showError(
        document.documentElement.lang === 'en'
          ? 'Choose a PNG, JPG, GIF or WEBP image.'
          : 'Выберите изображение PNG, JPG, GIF или WEBP.',
      );
      return;
    }
    reset();
    file = candidate;
    img.src = URL.createObjectURL(candidate);
    drop.classList.add('hidden');
    preview.classList.remove('hidden');
    img.onload = () => {
      // Cropping is optional: the whole photo is selected until the user narrows it.
      if (window.Cropper && candidate.type !== 'image/gif') {
        cropper = new window.Cropper(img, {
          viewMode: 1,
          autoCropArea: 1,
          background: false,
          responsive: true,
        });
      }
    };
    refreshSubmit();
  }

  function croppedBlob() {
    if (!cropper) return Promise.resolve(file);
    const canvas = cropper.getCroppedCanvas({ maxWidth: 1600, maxHeight: 1600, fillColor: '#fff' });
    return new Promise((resolve) => canvas.toBlob((blob) => resolve(blob ?? file), 'image/jpeg', 0.92));
  }

  openButton.addEventListener('click', open);
  modal.addEventListener('click', (event) => {
    if (event.target === modal || event.target.closest('[data-close]')) close();
  });
  document.addEventListener('keydown', (event) => {
    if (modal.classList.contains('hidden')) return;
    if (event.key === 'Escape') close();
    if (event.key === 'Tab') {
      // keep keyboard focus inside the dialog
      const focusable = [...modal.querySelectorAll('button, input:not([type=file]), [tabindex="0"]')].filter(
        (el) => !el.disabled && el.offsetParent !== null,
      );
      const first = focusable[0];
      const last = focusable[focusable.length - 1];
      if (event.shiftKey && document.activeElement === first) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && document.activeElement === last) {
        event.preventDefault();
        first.focus();
      }
    }
  });
  drop.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      fileInput.click();
    }
  });
  fileInput.addEventListener('change', () => accept(fileInput.files?.[0]));
  for (const type of ['dragenter', 'dragover']) {
    drop.addEventListener(type, (event) => {
      event.preventDefault();
      drop.classList.add('drop-active');
    });
  }
  for (const type of ['dragleave', 'drop']) {
    drop.addEventListener(type, () => drop.classList.remove('drop-active'));
  }
  drop.addEventListener('drop', (event) => {
    event.preventDefault();
    accept(event.dataTransfer?.files?.[0]);
  });
  document.addEventListener('paste', (event) => {
    if (modal.classList.contains('hidden')) return;
    const item = [...(event.clipboardData?.items ?? [])].find(
      (i) => i.kind === 'file' && i.type.startsWith('image/'),
    );
    if (item) {
      event.preventDefault();
      accept(item.getAsFile());
    }
  });
  for (const button of modal.querySelectorAll('[data-rotate]')) {
    button.addEventListener('click', () => cropper?.rotate(Number(button.dataset.rotate)));
  }
  document.getElementById('photo-reset').addEventListener('click', reset);
  urlInput.addEventListener('input', refreshSubmit);
  slider.addEventListener('input', () => {
    sliderTouched = true;
    sliderValue.textContent = Number(slider.value).toFixed(2);
  });

  async function search(closest) {
    showError('');
    closestButton.classList.add('hidden');
    const body = new FormData();
    if (file) body.append('image', await croppedBlob(), file.name || 'photo.jpg');
    else if (urlInput.value.trim()) body.append('url', urlInput.value.trim());
    else return;
    if (sliderTouched) body.append('threshold', slider.value);
    if (closest) body.append('closest', '1');
    submit.disabled = true;
    submit.textContent = modal.dataset.searching;
    try {
      const response = await fetch('/api/search-by-image', { method: 'POST', body });
      const reply = await response.json().catch(() => ({ success: false, error: response.statusText }));
      if (reply.success) {
        const lang = document.documentElement.lang === 'en' ? '&lang=en' : '';
        window.location.assign(reply.redirect + lang);
        return;
      }
      showError(reply.message || reply.error || 'Error');
      // «Похожих товаров не найдено»: the closest few only when the person asks for them
      if (reply.code === 'NO_MATCH') closestButton.classList.remove('hidden');
    } catch {
      showError(
        document.documentElement.lang === 'en'
          ? 'The server did not answer. Try again.'
          : 'Сервер не ответил. Попробуйте ещё раз.',
      );
    }
    submit.textContent = modal.dataset.find;
    refreshSubmit();
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void search(false);
  });
  closestButton.addEventListener('click', () => void search(true));
}
