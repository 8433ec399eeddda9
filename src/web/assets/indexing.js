import { t } from './words.js';

// Live numbers on «Индексация»: polls the overview and updates each model's card in place.
const root = document.querySelector('[data-indexing]');
const POLL_MS = 2000;

const fill = (template, values) =>
  template.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? values[name] : whole));

function eta(seconds, lang) {
  if (seconds === null || seconds === undefined) return '—';
  if (seconds < 90)
    return fill(t('etaSeconds'), { count: Math.max(1, Math.round(seconds)).toLocaleString(lang) });
  return fill(t('etaMinutes'), { count: Math.round(seconds / 60).toLocaleString(lang) });
}

async function poll() {
  const lang = document.documentElement.lang === 'en' ? 'en-US' : 'ru-RU';
  try {
    const response = await fetch('/api/index/models', { headers: { accept: 'application/json' } });
    if (!response.ok) throw new Error(String(response.status));
    const overview = await response.json();
    for (const m of overview.models) {
      const card = root.querySelector(`[data-model="${CSS.escape(m.model)}"]`);
      if (!card) continue;
      const set = (field, text) => {
        const el = card.querySelector(`[data-field="${field}"]`);
        if (el) el.textContent = text;
      };
      set('done', m.done.toLocaleString(lang));
      set('pending', m.pending.toLocaleString(lang));
      set('failed', m.failed.toLocaleString(lang));
      set('rate', m.images_per_s > 0 ? fill(t('rate'), { rate: m.images_per_s.toLocaleString(lang) }) : '—');
      set('eta', m.pending ? eta(m.eta_s, lang) : '—');
      set('of', fill(t('of'), { done: m.done.toLocaleString(lang), total: m.total.toLocaleString(lang) }));
      card.querySelector('[data-field="running"]')?.classList.toggle('hidden', !m.running);
      const bar = card.querySelector('[data-progress]');
      const fillEl = card.querySelector('[data-progress-fill]');
      if (bar && fillEl && m.total) {
        const pct = Math.min(100, Math.floor((m.done / m.total) * 100));
        bar.setAttribute('aria-valuenow', String(pct));
        fillEl.style.width = `${pct}%`;
      }
    }
  } catch {
    // a missed poll: the next one tries again
  }
  setTimeout(poll, POLL_MS);
}

if (root) setTimeout(poll, POLL_MS);
