// A CSV of numbers onto a do-not-call list: the file, the upload's progress, then what was added and what was refused.
import { h, append, clear, fmt } from '../dom.js';
import { upload, download } from '../api.js';
import { errorBox, field, showFieldErrors, busy, toast } from '../ui.js';
import { table } from './campaign.js';
import { importProgress } from './import.js';

/** The card (hidden until asked for); onImported() once numbers were added, so the list shows them. */
export function importCard(base, onImported) {
  const file = h('input', { type: 'file', name: 'file', accept: '.csv,text/csv', id: 'dnc-file' });
  const message = h('div', {});
  const progress = importProgress();
  const result = h('div', { id: 'dnc-import-result' });
  const submit = h('button', { type: 'submit', class: 'button button-primary', text: 'Import numbers' });
  const form = h('form', { class: 'card dnc-import', novalidate: true, hidden: true, 'aria-label': 'Import numbers from a CSV' },
    h('div', { class: 'section-head' }, h('h2', { text: 'Import numbers from a CSV' }),
      h('button', { type: 'button', class: 'icon-button', 'aria-label': 'Close', text: '✕', onclick: () => { form.hidden = true; } })),
    field('CSV file', file, { name: 'file', hint: 'A phone column (phone_number, phone, mobile…) and, if you like, a reason column. Numbers already listed are skipped.' }),
    message, progress.element, result,
    h('div', { class: 'form-actions' }, submit));

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clear(message);
    clear(result);
    const chosen = file.files[0];
    if (!chosen) {
      showFieldErrors(form, null);
      const slot = form.querySelector('[data-field=file] .field-error');
      slot.textContent = 'Choose a CSV file first.';
      slot.hidden = false;
      file.focus();
      return;
    }
    const data = new FormData();
    data.append('file', chosen, chosen.name);
    progress.start(chosen);
    try {
      const summary = await busy(submit, 'Importing…', () => upload(`${base}/import`, data, {
        onUpload: ({ loaded, total }) => progress.uploaded(loaded, total),
        onSent: () => progress.processed(null),
      }));
      showFieldErrors(form, null);
      append(result, importSummary(summary));
      file.value = '';
      result.querySelector('h3')?.focus();
      if (summary.imported > 0) onImported();
    } catch (err) {
      showFieldErrors(form, err);
      append(message, errorBox(err));
    } finally {
      progress.finish();
    }
  });
  return form;
}

/** Added / already listed or repeated / refused, and the refused rows with their row number and reason. */
function importSummary(summary) {
  const tile = (cls, icon, label, n, hint) => h('div', { class: `figure figure-${cls}` },
    h('span', { class: 'figure-label' }, h('span', { 'aria-hidden': 'true', text: `${icon} ` }), label),
    h('strong', { class: 'figure-value', text: fmt.number(n) }), h('span', { class: 'figure-hint', text: hint }));
  return h('section', { class: 'import-summary dnc-import-summary', 'aria-labelledby': 'dnc-summary-title' },
    h('h3', { id: 'dnc-summary-title', tabindex: '-1', text: 'Import summary' }),
    h('p', { class: 'subtle', text: `${fmt.number(summary.totalRows)} rows read.` }),
    h('div', { class: 'figures' },
      tile('success', '✓', 'Added', summary.imported, 'numbers'),
      tile('warn', '⚠', 'Skipped', summary.skippedDuplicates, 'already listed or repeated'),
      tile('danger', '✕', 'Refused', summary.failed, 'rows without a valid number')),
    summary.errors.length ? h('div', {},
      table(['Row', 'Phone number', 'Reason'], summary.errors.map((e) => [String(e.row), e.phoneNumber || '—', e.reason]), 'errors-table'),
      summary.errors.length < summary.failed ? h('p', { class: 'subtle', text: `Showing the first ${summary.errors.length} of ${summary.failed}.` }) : null,
      h('button', { type: 'button', class: 'button', id: 'dnc-error-report', text: '↓ Download error report',
        onclick: async (e) => {
          try {
            await busy(e.currentTarget, 'Downloading…', () => download(summary.errorReportUrl, `do-not-call-import-${summary.importId}-errors.csv`));
          } catch (err) {
            toast(`${err.title ?? 'Error'}: ${err.detail || err.message}`, 'error');
          }
        } }))
      : h('p', { class: 'alert alert-success', text: 'No row was refused.' }));
}
