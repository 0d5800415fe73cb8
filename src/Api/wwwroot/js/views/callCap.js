// The frequency cap in the admin's settings: the system's cap in the System card, and a user's own cap in a modal.
import { h, append, clear } from '../dom.js';
import { api, ApiError } from '../api.js';
import { errorBox, toast, openModal, field, showFieldErrors, busy } from '../ui.js';

const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;

/** "At most 3 calls to one number in any 24 hours", or "No cap". */
export function capText(cap) {
  if (!cap) return 'No cap';
  return `At most ${plural(cap.maxCalls, 'call', 'calls')} to one number in any ${cap.perHours === 1 ? 'hour' : `${cap.perHours} hours`}`;
}

/** A user's own cap in a table cell: "3 per 24 h", or "System's" when the system's applies. */
export function capShort(cap) {
  return cap ? `${cap.maxCalls} per ${cap.perHours} h` : "System's";
}

/** The two number inputs of a cap, as fields named after the API's "callCap.maxCalls" and "callCap.perHours". */
function capFields(cap) {
  const maxCalls = h('input', { type: 'number', name: 'callCap.maxCalls', min: '1', max: '100', step: '1', required: true, value: cap ? String(cap.maxCalls) : '' });
  const perHours = h('input', { type: 'number', name: 'callCap.perHours', min: '1', max: '744', step: '1', required: true, value: cap ? String(cap.perHours) : '' });
  return {
    maxCalls,
    perHours,
    fields: [
      field('Max calls to one number', maxCalls, { name: 'callCap.maxCalls', hint: '1 to 100.' }),
      field('Per hours', perHours, { name: 'callCap.perHours', hint: '1 to 744 (31 days), rolling.' }),
    ],
    value: () => ({ maxCalls: Number(maxCalls.value), perHours: Number(perHours.value) }),
    show(next) {
      maxCalls.value = next ? String(next.maxCalls) : '';
      perHours.value = next ? String(next.perHours) : '';
    },
  };
}

/**
 * Shows a save's error on the cap's fields: the API names the whole "callCap", its message the part that is wrong
 * ("callCap.perHours must be …", shown on that field as "Must be …"). Anything the fields cannot show goes in the
 * message box.
 */
function showCapErrors(form, message, err) {
  clear(message);
  let error = err;
  if (err instanceof ApiError && err.fieldErrors.callCap) {
    const errors = { ...err.fieldErrors };
    const messages = [].concat(errors.callCap);
    delete errors.callCap;
    const part = messages.some((m) => m.startsWith('callCap.perHours')) ? 'callCap.perHours' : 'callCap.maxCalls';
    errors[part] = messages.map((m) => m.replace(/^callCap\.\w+ must/, 'Must'));
    error = new ApiError(err.status, { ...err.problem, errors });
  }
  const unmatched = showFieldErrors(form, error);
  if (!(error instanceof ApiError) || Object.keys(error.fieldErrors).length === 0 || Object.keys(unmatched).length > 0) {
    append(message, errorBox(error));
  }
}

/**
 * The System card's part for the cap: what it is, a form to set it and a button to remove it.
 * update(cap) shows the cap the API reports; the inputs keep what is typed while isEditing() or they were changed.
 */
export function systemCapSection({ isEditing, onSaved }) {
  let current = null;
  const summary = h('strong', { id: 'system-cap' }, 'Loading…');
  const inputs = capFields(null);
  const message = h('div', {});
  const save = h('button', { type: 'submit', class: 'button', text: 'Save cap' });
  const remove = h('button', { type: 'button', class: 'button button-ghost', text: 'Remove cap', hidden: true });
  const form = h('form', { class: 'inline-form cap-form', novalidate: true, 'aria-label': 'System frequency cap' },
    inputs.fields, h('div', { class: 'cap-actions' }, save, remove));
  let dirty = false;
  form.addEventListener('input', () => { dirty = true; });

  async function put(callCap, button, done) {
    try {
      const system = await busy(button, 'Saving…', () => api('/api/admin/system', { method: 'PUT', json: { callCap } }));
      showCapErrors(form, message, null);
      dirty = false;
      update(system.callCap);
      toast(done(system.callCap), 'success');
      onSaved();
    } catch (err) {
      showCapErrors(form, message, err);
    }
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    put(inputs.value(), save, (cap) => `Frequency cap saved: ${capText(cap).toLowerCase()}.`);
  });
  remove.addEventListener('click', async () => {
    await put(null, remove, () => 'Frequency cap removed: no cap.');
    if (remove.hidden) save.focus(); // the button is gone with the cap
  });

  function update(cap) {
    current = cap ?? null;
    summary.textContent = capText(current);
    remove.hidden = !current;
    if (!dirty && !isEditing()) inputs.show(current);
  }

  const element = h('div', { class: 'cap-section' },
    h('h3', { text: 'Frequency cap' }),
    h('p', { class: 'cap-summary' }, summary),
    h('p', { class: 'field-hint', text: 'Calls Bolna accepted, counted per phone number across all of a user\'s campaigns. A user\'s own cap, set in the users table, replaces it.' }),
    form, message);
  return { element, update, get cap() { return current; } };
}

/** A modal to give a user a cap of their own, or send them back to the system's; onSaved(user) after a save. */
export function editUserCap(user, systemCap, onSaved) {
  const ownCap = user.callCap ?? null;
  const systemChoice = h('input', { type: 'radio', name: 'cap-choice', value: 'system', checked: !ownCap });
  const ownChoice = h('input', { type: 'radio', name: 'cap-choice', value: 'own', checked: Boolean(ownCap) });
  const inputs = capFields(ownCap ?? systemCap);
  const own = h('fieldset', { class: 'form-grid', disabled: !ownCap }, inputs.fields);
  const message = h('div', {});
  const submit = h('button', { type: 'submit', class: 'button button-primary', text: 'Save cap', form: 'user-cap-form' });
  const cancel = h('button', { type: 'button', class: 'button', text: 'Cancel', onclick: () => modal.close() });
  const form = h('form', { id: 'user-cap-form', class: 'user-cap-form', novalidate: true, 'aria-label': `Frequency cap of ${user.id}` }, message,
    h('div', { class: 'segmented cap-choice', role: 'radiogroup', 'aria-label': 'Which cap applies' },
      h('label', { class: 'segment' }, systemChoice, h('span', { text: "The system's" })),
      h('label', { class: 'segment' }, ownChoice, h('span', { text: 'Its own' }))),
    h('p', { class: 'field-hint', text: `The system's: ${capText(systemCap).toLowerCase()}.` }),
    own);
  for (const choice of [systemChoice, ownChoice]) {
    choice.addEventListener('change', () => {
      own.disabled = !ownChoice.checked;
      if (ownChoice.checked) inputs.maxCalls.focus();
    });
  }
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const callCap = ownChoice.checked ? inputs.value() : null;
    try {
      const updated = await busy(submit, 'Saving…', () => api(`/api/admin/users/${encodeURIComponent(user.id)}/limits`, { method: 'PUT', json: { callCap } }));
      modal.close();
      toast(updated.callCap ? `${updated.id}: ${capText(updated.callCap).toLowerCase()}.` : `${updated.id}: the system's cap applies.`, 'success');
      onSaved(updated);
    } catch (err) {
      showCapErrors(form, message, err);
    }
  });
  const modal = openModal({ title: `Frequency cap of ${user.id}`, body: form, footer: [cancel, submit] });
  (ownCap ? ownChoice : systemChoice).focus();
}
