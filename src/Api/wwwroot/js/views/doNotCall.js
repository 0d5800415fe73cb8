// The do-not-call list: the user's own (/api/suppressions), or with the admin key the system's (/api/admin/suppressions),
// which applies to every user. One page for both: add a number, import a CSV, search, page, remove.
import { h, append, clear, fmt, debounce } from '../dom.js';
import { api } from '../api.js';
import { errorBox, loading, emptyState, toast, field, showFieldErrors, busy, confirmAction } from '../ui.js';
import { table } from './campaign.js';
import { importCard } from './doNotCallImport.js';

const PAGE_SIZE = 25;

/** Where each entry came from, in words. */
const SOURCES = { api: 'added here', import: 'imported', call: 'asked in a call', admin: 'system list' };

const LISTS = {
  user: {
    base: '/api/suppressions',
    title: 'Do not call',
    lead: 'Numbers on this list are never called by any of your campaigns.',
    empty: 'Numbers on it are never called by any of your campaigns. Adding one cancels its waiting calls at once, and a person who asks your agent not to call again is added for you.',
  },
  admin: {
    base: '/api/admin/suppressions',
    title: 'System do-not-call list',
    lead: 'Numbers on this list are never called by anyone\'s campaigns.',
    empty: 'Numbers on it are never called by any user\'s campaigns. Adding one cancels its waiting calls in every campaign at once.',
  },
};

export async function doNotCallView(container, { session }) {
  const list = LISTS[session.kind === 'admin' ? 'admin' : 'user'];
  let search = '';
  let page = 1;
  let current = null;

  const searchInput = h('input', { type: 'search', id: 'dnc-search', placeholder: 'Search number or reason', 'aria-label': 'Search the list', autocomplete: 'off' });
  const body = h('div', {}, loading('Loading the list…'));
  const reload = () => { page = 1; load(); };
  const addCard = addNumberCard(list.base, reload);
  const imports = importCard(list.base, reload);
  const show = (card) => { card.hidden = false; card.querySelector('input')?.focus(); };

  append(container,
    h('header', { class: 'page-head' },
      h('div', {}, h('h1', { text: list.title }), h('p', { class: 'subtle', text: list.lead })),
      h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'button', text: '+ Add number', onclick: () => show(addCard) }),
        h('button', { type: 'button', class: 'button', text: '⇪ Import CSV', onclick: () => show(imports) }))),
    addCard, imports,
    h('div', { class: 'toolbar' }, searchInput),
    body);

  searchInput.addEventListener('input', debounce(() => { search = searchInput.value.trim(); reload(); }, 300));

  function render() {
    clear(body);
    if (current.total === 0) {
      append(body, search
        ? emptyState('No numbers match', `Nothing found for “${search}”.`)
        : emptyState('Nobody on the list yet', list.empty,
          h('button', { type: 'button', class: 'button button-primary', text: '+ Add a number', onclick: () => show(addCard) })));
      return;
    }
    const rows = current.items.map((entry) => [
      h('strong', { class: 'dnc-number', text: entry.phoneNumber }),
      entry.reason ? h('span', { class: 'dnc-reason', text: entry.reason }) : h('span', { class: 'subtle', text: '—' }),
      h('span', { class: `pill dnc-source dnc-source-${entry.source}`, text: SOURCES[entry.source] ?? entry.source }),
      h('time', { datetime: entry.createdAt, title: new Date(entry.createdAt).toLocaleString(), text: fmt.date(entry.createdAt) }),
      removeButton(entry),
    ]);
    const pages = Math.ceil(current.total / PAGE_SIZE);
    append(body, table(['Number', 'Reason', 'Source', 'Added', ''], rows, 'dnc-table'), h('div', { class: 'pager' },
      h('button', { type: 'button', class: 'button button-small', disabled: page <= 1, text: '← Previous', onclick: () => { page--; load(); } }),
      h('span', { text: `Page ${page} of ${pages} · ${current.total} number${current.total === 1 ? '' : 's'}` }),
      h('button', { type: 'button', class: 'button button-small', disabled: page >= pages, text: 'Next →', onclick: () => { page++; load(); } })));
  }

  function removeButton(entry) {
    const button = h('button', { type: 'button', class: 'button button-small button-ghost', text: 'Remove', 'aria-label': `Remove ${entry.phoneNumber}` });
    button.addEventListener('click', async () => {
      const ok = await confirmAction({ title: `Remove ${entry.phoneNumber}?`, message: 'Campaigns may call this number again. Calls it already cancelled stay cancelled.', confirm: 'Remove', danger: true });
      if (!ok) return;
      try {
        await busy(button, '…', () => api(`${list.base}/${encodeURIComponent(entry.phoneNumber)}`, { method: 'DELETE' }));
        toast(`${entry.phoneNumber} removed from the list.`, 'success');
      } catch (err) {
        toast(`${err.title ?? 'Error'}: ${err.detail || err.message}`, 'error');
      }
      if (current.items.length === 1 && page > 1) page--;
      load();
    });
    return button;
  }

  async function load() {
    try {
      current = await api(`${list.base}?search=${encodeURIComponent(search)}&page=${page}&pageSize=${PAGE_SIZE}`);
      render();
    } catch (e) {
      append(clear(body), errorBox(e, { retry: load }));
    }
  }

  await load();
}

/** Number and reason; a number already listed (409) or a bad one (400) says so next to the form. */
function addNumberCard(base, onAdded) {
  const phoneNumber = h('input', { name: 'phoneNumber', type: 'tel', required: true, placeholder: '+14155550100', autocomplete: 'off' });
  const reason = h('input', { name: 'reason', type: 'text', maxlength: '500', autocomplete: 'off', placeholder: 'e.g. asked by email' });
  const message = h('div', {});
  const submit = h('button', { type: 'submit', class: 'button button-primary', text: 'Add to the list' });
  const form = h('form', { class: 'card dnc-add', novalidate: true, hidden: true, 'aria-label': 'Add a number' },
    h('div', { class: 'section-head' }, h('h2', { text: 'Add a number' }),
      h('button', { type: 'button', class: 'icon-button', 'aria-label': 'Close', text: '✕', onclick: () => { form.hidden = true; } })),
    message,
    h('div', { class: 'form-grid' },
      field('Phone number', phoneNumber, { name: 'phoneNumber', hint: 'With country code, e.g. +44…' }),
      field('Reason (optional)', reason, { name: 'reason', hint: 'For your team: why this person is not to be called.' })),
    h('div', { class: 'form-actions' }, submit));
  form.addEventListener('keydown', (e) => { if (e.key === 'Escape') form.hidden = true; });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clear(message);
    const json = { phoneNumber: phoneNumber.value.trim(), reason: reason.value.trim() || null };
    try {
      const entry = await busy(submit, 'Adding…', () => api(base, { method: 'POST', json }));
      toast(`${entry.phoneNumber} is on the list; its waiting calls are cancelled.`, 'success');
      phoneNumber.value = '';
      reason.value = '';
      showFieldErrors(form, null);
      phoneNumber.focus();
      onAdded();
    } catch (err) {
      showFieldErrors(form, err);
      append(message, errorBox(err));
    }
  });
  return form;
}
