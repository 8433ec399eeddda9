import { t } from './words.js';

// Live progress of one import: polls its state and moves the bar and the counts; when the import
// ends, the page reloads to show the summary and the failed rows. Without JavaScript the page
// refreshes itself instead (<noscript> meta refresh).
const root = document.querySelector('[data-import-job]');
const POLL_MS = 1000;

function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? values[name] : whole));
}

async function poll() {
  const id = root.dataset.importJob;
  const lang = document.documentElement.lang === 'en' ? 'en-US' : 'ru-RU';
  try {
    const response = await fetch(`/api/imports/${id}`, { headers: { accept: 'application/json' } });
    if (!response.ok) throw new Error(String(response.status));
    const job = await response.json();
    for (const field of ['imported', 'updated', 'failed']) {
      const el = root.querySelector(`[data-field="${field}"]`);
      if (el) el.textContent = Number(job[field]).toLocaleString(lang);
    }
    const text = root.querySelector('[data-field="progress-text"]');
    if (text) {
      text.textContent =
        job.total_rows === null
          ? t('reading')
          : fill(t('progress'), {
              done: Number(job.processed_rows).toLocaleString(lang),
              total: Number(job.total_rows).toLocaleString(lang),
            });
    }
    const bar = root.querySelector('[data-progress]');
    const fillEl = root.querySelector('[data-progress-fill]');
    if (bar && fillEl && job.total_rows) {
      const pct = Math.min(100, Math.floor((job.processed_rows / job.total_rows) * 100));
      bar.setAttribute('aria-valuenow', String(pct));
      fillEl.style.width = `${pct}%`;
    }
    if (job.status !== root.dataset.importStatus) {
      // a new state (started, finished, failed): the server renders what it means
      window.location.reload();
      return;
    }
  } catch {
    // a missed poll (server restarting): try again
  }
  setTimeout(poll, POLL_MS);
}

if (root) setTimeout(poll, POLL_MS);
