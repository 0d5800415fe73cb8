// Shared pieces: modal dialogs, confirmations, toasts, error boxes, states, badges, progress bars, form fields.
import { h, clear } from './dom.js';
import { ApiError } from './api.js';

/** A modal <dialog>: Esc or the close button closes it; focus goes to the first field and back to the opener. */
export function openModal({ title, body, footer = [], wide = false, onClose }) {
  const opener = document.activeElement;
  const titleId = `modal-title-${Math.random().toString(36).slice(2)}`;
  const dialog = h('dialog', { class: `modal${wide ? ' modal-wide' : ''}`, 'aria-labelledby': titleId },
    h('div', { class: 'modal-head' },
      h('h2', { id: titleId, text: title }),
      h('button', { type: 'button', class: 'icon-button', 'aria-label': 'Close', onclick: () => close() }, '✕')),
    h('div', { class: 'modal-body' }, body),
    footer.length ? h('div', { class: 'modal-foot' }, footer) : null);
  let closed = false;
  function close() {
    if (closed) return;
    closed = true;
    dialog.close();
    dialog.remove();
    onClose?.();
    if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
  }
  dialog.addEventListener('cancel', (e) => {
    e.preventDefault();
    close();
  });
  dialog.addEventListener('mousedown', (e) => {
    if (e.target === dialog) close(); // a click on the backdrop
  });
  document.body.append(dialog);
  dialog.showModal();
  const first = dialog.querySelector('.modal-body input:not([type=hidden]):not([disabled]), .modal-body select, .modal-body textarea, .modal-body button');
  (first ?? dialog.querySelector('.modal-foot .button-primary'))?.focus();
  return { dialog, close };
}

/** Asks before a destructive move; resolves true when confirmed. */
export function confirmAction({ title, message, confirm = 'Confirm', danger = false }) {
  return new Promise((resolve) => {
    let answered = false;
    const yes = h('button', { type: 'button', class: danger ? 'button button-danger' : 'button button-primary', text: confirm,
      onclick: () => { answered = true; resolve(true); modal.close(); } });
    const no = h('button', { type: 'button', class: 'button', text: 'Keep it', onclick: () => modal.close() });
    const modal = openModal({ title, body: h('p', { text: message }), footer: [no, yes], onClose: () => { if (!answered) resolve(false); } });
    yes.focus();
  });
}

// ---------- toasts ----------

export function toast(message, kind = 'info') {
  let region = document.getElementById('toasts');
  if (!region) {
    region = h('div', { id: 'toasts', class: 'toasts', role: 'status', 'aria-live': 'polite' });
    document.body.append(region);
  }
  const item = h('div', { class: `toast toast-${kind}` }, message);
  region.append(item);
  setTimeout(() => item.classList.add('toast-leaving'), 4000);
  setTimeout(() => item.remove(), 4400);
}

// ---------- states ----------

/** The problem details of an API error for a person: title, detail and the field errors. */
export function errorBox(error, { retry } = {}) {
  const isApi = error instanceof ApiError;
  const title = isApi ? error.title : 'Something went wrong';
  const detail = isApi ? error.detail : String(error?.message ?? error);
  const fields = isApi ? Object.entries(error.fieldErrors) : [];
  return h('div', { class: 'alert alert-error', role: 'alert' },
    h('strong', { text: title }),
    detail && detail !== title ? h('p', { text: detail }) : null,
    fields.length ? h('ul', {}, fields.map(([field, messages]) => h('li', {}, h('code', { text: field }), ': ', [].concat(messages).join(' ')))) : null,
    retry ? h('button', { type: 'button', class: 'button button-small', text: 'Try again', onclick: retry }) : null);
}

export function loading(text = 'Loading…') {
  return h('div', { class: 'state state-loading', role: 'status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), text);
}

export function emptyState(title, text, action) {
  return h('div', { class: 'state state-empty' }, h('div', { class: 'state-icon', 'aria-hidden': 'true' }, '☎'),
    h('h3', { text: title }), text ? h('p', { text }) : null, action ?? null);
}

export function badge(status) {
  return h('span', { class: `badge badge-${status}`, text: status.replace('-', ' ') });
}

/** A bar from 0 to 1; tone: 'ok' | 'warn' | 'danger' | undefined. */
export function progressBar(ratio, { label, tone } = {}) {
  const pct = Math.max(0, Math.min(1, ratio || 0)) * 100;
  return h('div', { class: `progress${tone ? ` progress-${tone}` : ''}`, role: 'progressbar', 'aria-valuemin': '0', 'aria-valuemax': '100',
    'aria-valuenow': String(Math.round(pct)), 'aria-label': label ?? 'Progress' },
  h('div', { class: 'progress-fill', style: { width: `${pct}%` } }));
}

/** Usage tone: green below 70 %, amber up to the limit, red at it. */
export function usageTone(used, limit) {
  if (!limit) return 'ok';
  const ratio = used / limit;
  return ratio >= 1 ? 'danger' : ratio >= 0.7 ? 'warn' : 'ok';
}

// ---------- form fields ----------

let fieldCounter = 0;

/** A labelled field with a hint and a slot for its error. */
export function field(label, control, { hint, name, wide = false } = {}) {
  const id = control.id || `f${++fieldCounter}`;
  control.id = id;
  const error = h('div', { class: 'field-error', id: `${id}-error`, hidden: true });
  const hintEl = hint ? h('div', { class: 'field-hint', id: `${id}-hint`, text: hint }) : null;
  control.setAttribute('aria-describedby', [hintEl ? `${id}-hint` : null, `${id}-error`].filter(Boolean).join(' '));
  const wrapper = h('div', { class: `field${wide ? ' field-wide' : ''}`, dataset: { field: name ?? control.name ?? '' } },
    h('label', { for: id, text: label }), control, hintEl, error);
  return wrapper;
}

/** The browser's list of IANA zones, for a time zone input's list attribute (<input list={datalist.id}>). */
export function zoneDatalist() {
  return h('datalist', { id: `zones-${Math.random().toString(36).slice(2)}` },
    (Intl.supportedValuesOf?.('timeZone') ?? []).map((z) => h('option', { value: z })));
}

/** Shows an API error's field messages next to the fields (matched by data-field) and returns the unmatched ones. */
export function showFieldErrors(form, error) {
  for (const el of form.querySelectorAll('.field-error')) {
    el.hidden = true;
    clear(el);
  }
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  const unmatched = {};
  if (!(error instanceof ApiError)) return unmatched;
  let focused = false;
  for (const [name, messages] of Object.entries(error.fieldErrors)) {
    const wrapper = form.querySelector(`[data-field="${CSS.escape(name)}"]`);
    if (!wrapper) {
      unmatched[name] = messages;
      continue;
    }
    const slot = wrapper.querySelector('.field-error');
    slot.textContent = [].concat(messages).join(' ');
    slot.hidden = false;
    const control = wrapper.querySelector('input, select, textarea');
    control?.setAttribute('aria-invalid', 'true');
    if (!focused && control) {
      control.focus();
      focused = true;
    }
  }
  return unmatched;
}

/** Disables a button while a promise runs, showing a busy label. */
export async function busy(button, text, work) {
  const original = [...button.childNodes];
  button.disabled = true;
  button.replaceChildren(text);
  try {
    return await work();
  } finally {
    button.disabled = false;
    button.replaceChildren(...original);
  }
}
