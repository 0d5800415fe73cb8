// The admin's calling rules (quiet hours): edited as a list, saved whole with PUT /api/admin/calling-rules.
import { h, append, clear } from '../dom.js';
import { api } from '../api.js';
import { errorBox, loading, toast, showFieldErrors, busy } from '../ui.js';

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** The card: loads the rules once (a refresh would replace what is being typed) and saves the whole list. */
export function callingRulesCard() {
  const rows = [];
  const list = h('tbody', {});
  const message = h('div', {});
  const save = h('button', { type: 'submit', class: 'button button-primary', text: 'Save rules' });
  const add = h('button', { type: 'button', class: 'button', text: '+ Add rule', onclick: () => { addRow({}); render(); rows.at(-1).focus(); } });
  const form = h('form', { class: 'rules-form', novalidate: true, 'aria-label': 'Calling rules' },
    h('div', { class: 'table-wrap' }, h('table', { class: 'table rules-table' },
      h('thead', {}, h('tr', {}, ['Region', 'From', 'To', 'Days (none: every day)', ''].map((text) => h('th', { scope: 'col', text })))),
      list)),
    message, h('div', { class: 'form-actions' }, add, save));
  const body = h('div', {}, loading('Loading the calling rules…'));
  const card = h('section', { class: 'card', 'aria-labelledby': 'rules-title' },
    h('h2', { id: 'rules-title', text: 'Calling rules' }),
    h('p', { class: 'subtle', text: 'Contacts of a region are called only between From and To in their own local time, on top of every campaign\'s window. A country\'s rule covers its states.' }),
    body);

  function addRow(rule) {
    const row = ruleRow(rule, () => { rows.splice(rows.indexOf(row), 1); render(); save.focus(); });
    rows.push(row);
  }

  /** Lays the rows out in order; each field is named after its place ("[2].from"), as the API reports errors. */
  function render() {
    rows.forEach((row, i) => row.number(i));
    append(clear(list), rows.length ? rows.map((row) => row.element)
      : h('tr', {}, h('td', { colspan: '5', class: 'subtle', text: 'No rules: only the campaigns\' windows apply.' })));
  }

  function show(rules) {
    rows.length = 0;
    for (const rule of rules) addRow(rule);
    render();
    append(clear(body), form);
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clear(message);
    try {
      const saved = await busy(save, 'Saving…', () => api('/api/admin/calling-rules', { method: 'PUT', json: rows.map((row) => row.value()) }));
      showFieldErrors(form, null);
      show(saved);
      toast(`Calling rules saved (${saved.length}).`, 'success');
    } catch (err) {
      showFieldErrors(form, err);
      append(message, errorBox(err));
    }
  });

  const load = () => api('/api/admin/calling-rules').then(show).catch((e) => append(clear(body), errorBox(e, { retry: load })));
  load();
  return card;
}

/** One editable rule; its id (given by the server to a new rule) is kept unchanged. */
function ruleRow(rule, onRemove) {
  const region = h('input', { type: 'text', value: rule.region ?? '', placeholder: 'US or US-FL', autocomplete: 'off', spellcheck: 'false', class: 'rule-region' });
  const from = h('input', { type: 'time', value: rule.from ?? '09:00' });
  const to = h('input', { type: 'time', value: rule.to ?? '21:00' });
  const days = DAYS.map((day) => h('input', { type: 'checkbox', value: day, checked: rule.days?.includes(day) }));
  const cell = (control) => h('div', { class: 'field rule-field' }, control, h('div', { class: 'field-error', hidden: true }));
  const cells = { region: cell(region), from: cell(from), to: cell(to),
    days: h('div', { class: 'field rule-field' }, h('div', { class: 'checks rule-days' }, days.map((box, i) => h('label', { class: 'check' }, box, DAYS[i]))),
      h('div', { class: 'field-error', hidden: true })) };
  const remove = h('button', { type: 'button', class: 'button button-small button-ghost', text: 'Remove', onclick: onRemove });
  const element = h('tr', { class: 'rule-row' }, Object.values(cells).map((c) => h('td', {}, c)), h('td', {}, remove));
  return {
    element,
    focus: () => region.focus(),
    number(i) {
      const name = region.value.trim() || 'new rule';
      for (const [key, c] of Object.entries(cells)) c.dataset.field = `[${i}].${key}`;
      region.setAttribute('aria-label', `Region of rule ${i + 1}`);
      from.setAttribute('aria-label', `From of rule ${i + 1}`);
      to.setAttribute('aria-label', `To of rule ${i + 1}`);
      remove.setAttribute('aria-label', `Remove rule ${i + 1} (${name})`);
      days.forEach((box) => box.setAttribute('aria-label', `${box.value} in rule ${i + 1}`));
    },
    value() {
      const chosen = days.filter((box) => box.checked).map((box) => box.value);
      return { id: rule.id ?? null, region: region.value.trim().toUpperCase(), from: from.value, to: to.value,
        days: chosen.length === 0 || chosen.length === DAYS.length ? null : chosen };
    },
  };
}
