// Contacts: search, paging, multi-select, add one; then start a campaign with the chosen ones.
import { h, append, clear, fmt, debounce } from '../dom.js';
import { api } from '../api.js';
import { errorBox, loading, emptyState, openModal, toast, field, showFieldErrors, busy, zoneDatalist } from '../ui.js';
import { campaignForm, defaultCampaignName } from '../campaignForm.js';
import { table } from './campaign.js';

const PAGE_SIZE = 25;

export async function contactsView(container, { query }) {
  let search = query.get('search') ?? '';
  let page = 1;
  let current = null;
  const selected = new Map(); // id -> contact

  const searchInput = h('input', { type: 'search', id: 'contact-search', placeholder: 'Search name, number, email or company', value: search, 'aria-label': 'Search contacts', autocomplete: 'off' });
  const body = h('div', {}, loading('Loading contacts…'));
  const selectionBar = h('div', { class: 'selection-bar', hidden: true, role: 'region', 'aria-label': 'Selection' });
  const addCard = addContactCard(() => { page = 1; load(); });

  append(container, 
    h('header', { class: 'page-head' },
      h('div', {}, h('h1', { text: 'Contacts' }), h('p', { class: 'subtle', text: 'Choose who to call, then create a campaign for them.' })),
      h('button', { type: 'button', class: 'button', text: '+ Add contact', onclick: () => { addCard.hidden = false; addCard.querySelector('input')?.focus(); } })),
    addCard,
    h('div', { class: 'toolbar' }, searchInput),
    body, selectionBar);

  searchInput.addEventListener('input', debounce(() => { search = searchInput.value.trim(); page = 1; load(); }, 300));

  function renderSelection() {
    selectionBar.hidden = selected.size === 0;
    append(clear(selectionBar), 
      h('span', { class: 'selection-count', text: `${selected.size} selected` }),
      h('button', { type: 'button', class: 'button button-ghost button-small', text: 'Clear', onclick: () => { selected.clear(); render(); } }),
      h('button', { type: 'button', class: 'button button-primary', id: 'create-campaign', text: `Create campaign (${selected.size})`, onclick: () => openCampaignModal([...selected.values()]) }));
  }

  function render() {
    renderSelection();
    if (!current) return;
    clear(body);
    if (current.total === 0) {
      append(body, search
        ? emptyState('No contacts match', `Nothing found for “${search}”.`)
        : emptyState('No contacts yet', 'Add one above, or import a CSV file to create a campaign and its contacts at once.',
          h('a', { href: '#/import', class: 'button button-primary', text: 'Import a CSV' })));
      return;
    }
    const all = current.items.every((c) => selected.has(c.id));
    const selectAll = h('input', { type: 'checkbox', 'aria-label': 'Select every contact on this page', checked: all });
    selectAll.addEventListener('change', () => {
      for (const c of current.items) {
        if (selectAll.checked) selected.set(c.id, c);
        else selected.delete(c.id);
      }
      render();
    });
    const rows = current.items.map((c) => {
      const box = h('input', { type: 'checkbox', 'aria-label': `Select ${c.name || c.phoneNumber}`, checked: selected.has(c.id), dataset: { contactId: String(c.id) } });
      box.addEventListener('change', () => {
        if (box.checked) selected.set(c.id, c);
        else selected.delete(c.id);
        render();
      });
      return [box, h('strong', { text: c.name || '—' }), c.phoneNumber, localTimeCell(c), c.email || '—', c.company || '—',
        h('span', { class: 'subtle', text: `${c.successfulCalls} connected · ${c.notConnectedCalls} not` }), fmt.date(c.createdAt)];
    });
    const t = table(['', 'Name', 'Phone', 'Local time', 'Email', 'Company', 'Calls', 'Added'], rows, 'contacts-table');
    append(t.querySelector('th'), selectAll);
    const pages = Math.ceil(current.total / PAGE_SIZE);
    append(body, t, h('div', { class: 'pager' },
      h('button', { type: 'button', class: 'button button-small', disabled: page <= 1, text: '← Previous', onclick: () => { page--; load(); } }),
      h('span', { text: `Page ${page} of ${pages} · ${current.total} contacts` }),
      h('button', { type: 'button', class: 'button button-small', disabled: page >= pages, text: 'Next →', onclick: () => { page++; load(); } })));
  }

  async function load() {
    try {
      current = await api(`/api/contacts?search=${encodeURIComponent(search)}&page=${page}&pageSize=${PAGE_SIZE}`);
      render();
    } catch (e) {
      append(clear(body), errorBox(e, { retry: load }));
    }
  }

  await load();
}

/** "Asia/Tokyo · JP" and the contact's time of day now; every zone in the title when the number spans several. */
function localTimeCell(c) {
  if (!c.timeZone) return h('span', { class: 'subtle', text: c.region ? `unknown zone · ${c.region}` : '—' });
  const zones = c.timeZones ?? [c.timeZone];
  return h('span', { class: 'contact-cell local-time', title: zones.join(', ') },
    h('span', { class: 'contact-zone', text: [c.timeZone + (zones.length > 1 ? ` +${zones.length - 1}` : ''), c.region].filter(Boolean).join(' · ') }),
    h('small', { class: 'subtle contact-clock', text: `now ${fmt.clockIn(new Date().toISOString(), c.timeZone)}` }));
}

function addContactCard(onAdded) {
  const inputs = {
    name: h('input', { name: 'name', type: 'text', autocomplete: 'off' }),
    phoneNumber: h('input', { name: 'phoneNumber', type: 'tel', required: true, placeholder: '+14155550100', autocomplete: 'off' }),
    email: h('input', { name: 'email', type: 'email', autocomplete: 'off' }),
    company: h('input', { name: 'company', type: 'text', autocomplete: 'off' }),
    timeZone: h('input', { name: 'timeZone', type: 'text', autocomplete: 'off', spellcheck: 'false', placeholder: 'Found from the number' }),
  };
  const zones = zoneDatalist();
  inputs.timeZone.setAttribute('list', zones.id);
  const message = h('div', {});
  const submit = h('button', { type: 'submit', class: 'button button-primary', text: 'Add contact' });
  const form = h('form', { class: 'card add-contact', novalidate: true, hidden: true, 'aria-label': 'Add a contact' },
    h('div', { class: 'section-head' }, h('h2', { text: 'Add a contact' }),
      h('button', { type: 'button', class: 'icon-button', 'aria-label': 'Close', text: '✕', onclick: () => { form.hidden = true; } })),
    message,
    h('div', { class: 'form-grid form-grid-4' },
      field('Name', inputs.name, { name: 'name' }),
      field('Phone number', inputs.phoneNumber, { name: 'phoneNumber', hint: 'With country code, e.g. +44…' }),
      field('Email', inputs.email, { name: 'email' }),
      field('Company', inputs.company, { name: 'company' }),
      field('Time zone (optional)', inputs.timeZone, { name: 'timeZone', hint: 'IANA, e.g. Asia/Tokyo; leave empty to use the number\'s.' }), zones),
    h('div', { class: 'form-actions' }, submit));
  form.addEventListener('keydown', (e) => { if (e.key === 'Escape') form.hidden = true; });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clear(message);
    const body = Object.fromEntries(Object.entries(inputs).map(([k, input]) => [k, input.value.trim() || null]));
    try {
      const contact = await busy(submit, 'Adding…', () => api('/api/contacts', { method: 'POST', json: body }));
      toast(`${contact.name || contact.phoneNumber} added.`, 'success');
      for (const input of Object.values(inputs)) input.value = '';
      showFieldErrors(form, null);
      inputs.name.focus();
      onAdded();
    } catch (err) {
      showFieldErrors(form, err);
      append(message, errorBox(err));
    }
  });
  return form;
}

function openCampaignModal(contacts) {
  const names = contacts.map((c) => c.name).filter(Boolean);
  const hint = names.length === 1 ? names[0] : names.length ? `${names[0]} and ${contacts.length - 1} more` : `${contacts.length} contacts`;
  const form = campaignForm({ mode: 'create', defaultName: defaultCampaignName(hint) });
  const message = h('div', {});
  const submit = h('button', { type: 'submit', class: 'button button-primary', text: 'Create Campaign', form: 'new-campaign-form' });
  const cancel = h('button', { type: 'button', class: 'button', text: 'Cancel', onclick: () => modal.close() });
  const el = h('form', { id: 'new-campaign-form', novalidate: true },
    h('p', { class: 'subtle' }, `${contacts.length} contact${contacts.length === 1 ? '' : 's'}: `,
      h('span', { text: contacts.slice(0, 5).map((c) => c.name || c.phoneNumber).join(', ') + (contacts.length > 5 ? ', …' : '') })),
    message, form.element);
  el.addEventListener('submit', async (e) => {
    e.preventDefault();
    clear(message);
    try {
      const campaign = await busy(submit, 'Creating…', () => api('/api/campaigns', { method: 'POST', json: { ...form.values(), contactIds: contacts.map((c) => c.id) } }));
      modal.close();
      toast(`“${campaign.name}” created.`, 'success');
      location.hash = `#/campaigns/${campaign.id}`;
    } catch (err) {
      showFieldErrors(el, err);
      append(message, errorBox(err));
      message.scrollIntoView({ block: 'nearest' });
    }
  });
  const modal = openModal({ title: 'New campaign', body: el, footer: [cancel, submit], wide: true });
  form.focus();
}
