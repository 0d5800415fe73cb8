// A new campaign from a CSV: drop zone, templates, the campaign's fields, then the import summary.
import { h, append, clear, fmt } from '../dom.js';
import { api, download, upload } from '../api.js';
import { errorBox, toast, showFieldErrors, busy } from '../ui.js';
import { campaignForm, defaultCampaignName, appendToForm } from '../campaignForm.js';
import { table } from './campaign.js';

export async function importView(container) {
  let file = null;
  const form = campaignForm({ mode: 'create', defaultName: defaultCampaignName('CSV import') });
  const fileInput = h('input', { type: 'file', id: 'csv-file', name: 'file', accept: '.csv,text/csv', class: 'visually-hidden' });
  const fileLabel = h('span', { class: 'drop-file', text: 'No file chosen' });
  const drop = h('label', { for: 'csv-file', class: 'dropzone', dataset: { field: 'file' } },
    h('span', { class: 'drop-icon', 'aria-hidden': 'true', text: '⇪' }),
    h('strong', { text: 'Drop your CSV here' }),
    h('span', { class: 'subtle', text: 'or click to choose a file (up to 50 MB)' }),
    fileLabel, h('span', { class: 'field-error', hidden: true }));
  const message = h('div', {});
  const progress = importProgress();
  const result = h('div', { id: 'import-result' });
  const submit = h('button', { type: 'submit', class: 'button button-primary', text: 'Upload and create campaign' });

  const choose = (f) => {
    file = f ?? null;
    fileLabel.textContent = file ? `${file.name} · ${fmt.number(Math.ceil(file.size / 1024))} KB` : 'No file chosen';
    drop.classList.toggle('dropzone-has-file', Boolean(file));
    if (file) {
      const nameInput = el.querySelector('input[name=name]');
      if (nameInput && nameInput.dataset.touched !== 'true') nameInput.value = defaultCampaignName(file.name.replace(/\.csv$/i, ''));
    }
  };
  fileInput.addEventListener('change', () => choose(fileInput.files[0]));
  for (const type of ['dragenter', 'dragover']) drop.addEventListener(type, (e) => { e.preventDefault(); drop.classList.add('dropzone-over'); });
  for (const type of ['dragleave', 'drop']) drop.addEventListener(type, () => drop.classList.remove('dropzone-over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    if (e.dataTransfer?.files?.length) choose(e.dataTransfer.files[0]);
  });

  const el = h('form', { class: 'import-form', novalidate: true },
    h('section', { class: 'card' },
      h('h2', { text: '1. Your list' }),
      fileInput, drop,
      h('div', { class: 'templates' },
        h('span', { text: 'Start from a template:' }),
        h('a', { href: '/templates/call-campaign-basic-template.csv', download: true, class: 'template-link' }, h('strong', { text: 'Basic template' }), h('small', { text: '5 fields: name, phone number, email, company, notes' })),
        h('a', { href: '/templates/call-campaign-advanced-template.csv', download: true, class: 'template-link' }, h('strong', { text: 'Advanced template' }), h('small', { text: '9 fields: basic plus lead score, last interaction, industry, deal size' }))),
      h('p', { class: 'field-hint', text: 'Only the phone number is required. Numbers are checked and written in international form; duplicates are skipped. Other columns are passed to your agent.' })),
    h('section', { class: 'card' }, h('h2', { text: '2. The campaign' }), form.element),
    message,
    progress.element,
    h('div', { class: 'form-actions' }, submit));
  el.querySelector('input[name=name]')?.addEventListener('input', (e) => { e.target.dataset.touched = 'true'; });

  el.addEventListener('submit', async (e) => {
    e.preventDefault();
    clear(message);
    clear(result);
    if (!file) {
      const slot = drop.querySelector('.field-error');
      slot.textContent = 'Choose a CSV file first.';
      slot.hidden = false;
      drop.focus();
      fileInput.focus();
      return;
    }
    const data = appendToForm(new FormData(), form.values());
    data.append('file', file, file.name);
    const rowsExpected = await estimateRows(file);
    let following = null;
    progress.start(file);
    try {
      const answer = await busy(submit, 'Uploading…', () => upload('/api/campaigns/import', data, {
        onUpload: ({ loaded, total }) => progress.uploaded(loaded, total),
        onSent: () => { following = followImport(file.name, (rows) => progress.processed(rows, rowsExpected)); },
      }));
      following?.stop();
      progress.finish();
      showFieldErrors(el, null);
      toast(`“${answer.campaign.name}” created.`, 'success');
      showSummary(answer);
    } catch (err) {
      following?.stop();
      progress.finish();
      showFieldErrors(el, err);
      append(message, errorBox(err));
    }
  });

  function showSummary({ campaign, import: summary }) {
    append(clear(result), importSummary(summary, campaign));
    el.hidden = true;
    result.querySelector('h2')?.focus();
  }

  append(container, 
    h('header', { class: 'page-head' },
      h('div', {}, h('h1', { text: 'New campaign from a CSV' }), h('p', { class: 'subtle', text: 'Upload a list of people; we create their contacts and a campaign that calls them.' }))),
    el, result);
}

/** A bar that moves: the upload's bytes, then the rows the server has read, while the import runs (also the do-not-call import's). */
export function importProgress() {
  const label = h('span', { id: 'import-progress-label', text: '' });
  const bar = h('progress', { id: 'import-progress', max: 100, value: 0, 'aria-labelledby': 'import-progress-label' });
  const element = h('section', { class: 'card import-progress', hidden: true, 'aria-live': 'polite' }, label, bar);
  const show = (text, percent) => {
    label.textContent = text;
    if (percent === null) bar.removeAttribute('value');
    else bar.value = Math.max(0, Math.min(100, percent));
  };
  return {
    element,
    start(file) {
      element.hidden = false;
      element.dataset.phase = 'uploading';
      show(`Uploading ${file.name}…`, 0);
    },
    uploaded(loaded, total) {
      show(`Uploading: ${fmt.number(Math.round(loaded / 1024))} of ${fmt.number(Math.round(total / 1024))} KB`, (100 * loaded) / total);
    },
    processed(rows, expected) {
      element.dataset.phase = 'processing';
      if (rows === null) show('Processing: checking the rows…', null);
      else show(`Processing: ${fmt.number(rows)} rows read${expected ? ` of about ${fmt.number(expected)}` : ''}`, expected ? Math.min(99, (100 * rows) / expected) : null);
    },
    finish() {
      element.hidden = true;
      delete element.dataset.phase;
    },
  };
}

/** About how many rows the file holds, from the line length of its first 64 KB. */
async function estimateRows(file) {
  try {
    const head = await file.slice(0, 65536).text();
    const lines = head.split('\n').length - 1;
    if (lines <= 1) return null;
    return Math.max(1, Math.round((file.size / head.length) * lines) - 1);
  } catch {
    return null;
  }
}

/** Polls the caller's running import of this file (it is recorded before its first row is read) until stopped. */
function followImport(fileName, onRows) {
  let stopped = false;
  onRows(null);
  (async () => {
    while (!stopped) {
      try {
        const { items } = await api('/api/imports?status=running');
        const mine = items.find((i) => i.fileName === fileName);
        if (!stopped && mine) onRows(mine.totalRows);
      } catch {
        // The answer to the upload says how it ended; a missed poll only delays the bar.
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  })();
  return { stop() { stopped = true; } };
}

/** Imported / skipped / failed, the first errors, and the full error report (downloaded with the key). */
export function importSummary(summary, campaign) {
  const tile = (cls, icon, label, n, hint) => h('div', { class: `figure figure-${cls}` },
    h('span', { class: 'figure-label' }, h('span', { 'aria-hidden': 'true', text: `${icon} ` }), label), h('strong', { class: 'figure-value', text: fmt.number(n) }), hint ? h('span', { class: 'figure-hint', text: hint }) : null);
  const problems = summary.skippedDuplicates + summary.failed;
  return h('section', { class: 'card import-summary', 'aria-labelledby': 'import-summary-title' },
    h('h2', { id: 'import-summary-title', tabindex: '-1', text: 'Import summary' }),
    h('p', { class: 'subtle', text: `${fmt.number(summary.totalRows)} rows read.` }),
    h('div', { class: 'figures' },
      tile('success', '✓', 'Imported', summary.imported, 'contacts'),
      tile('warn', '⚠', 'Skipped', summary.skippedDuplicates, 'duplicates'),
      tile('danger', '✕', 'Failed', summary.failed, 'invalid rows')),
    problems > 0 ? h('div', {},
      table(['Row', 'Phone number', 'Reason'], summary.errors.map((e) => [String(e.row), e.phoneNumber || '—', e.reason]), 'errors-table'),
      summary.errors.length < problems ? h('p', { class: 'subtle', text: `Showing the first ${summary.errors.length} of ${problems}.` }) : null,
      h('button', { type: 'button', class: 'button', id: 'error-report', text: '↓ Download error report',
        onclick: async (e) => {
          try {
            await busy(e.currentTarget, 'Downloading…', () => download(summary.errorReportUrl, `import-${summary.importId}-errors.csv`));
          } catch (err) {
            toast(`${err.title ?? 'Error'}: ${err.detail || err.message}`, 'error');
          }
        } })) : h('p', { class: 'alert alert-success', text: 'Every row was imported.' }),
    campaign ? h('div', { class: 'form-actions' },
      h('a', { href: '#/import', class: 'button', text: 'Import another', onclick: (e) => { e.preventDefault(); window.dispatchEvent(new HashChangeEvent('hashchange')); } }),
      h('a', { href: `#/campaigns/${campaign.id}`, class: 'button button-primary', text: `Open “${campaign.name}” →` })) : null);
}
