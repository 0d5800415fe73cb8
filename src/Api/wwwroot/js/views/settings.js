// Settings: the user's limit and live usage; for the admin key, the users, their limits, caps and keys, the system limit and cap, and the calling rules.
import { h, append, clear, fmt } from '../dom.js';
import { api } from '../api.js';
import { errorBox, loading, progressBar, usageTone, toast, openModal, confirmAction, field, showFieldErrors, busy } from '../ui.js';
import { table } from './campaign.js';
import { callingRulesCard } from './callingRules.js';
import { systemCapSection, editUserCap, capShort, capText } from './callCap.js';

const REFRESH_MS = 3000;

export async function settingsView(container, { session }) {
  return session.kind === 'admin' ? adminSettings(container) : userSettings(container);
}

function usage(label, used, limit, extra) {
  const tone = usageTone(used, limit);
  return h('div', { class: 'usage', dataset: { tone } },
    h('div', { class: 'usage-head' }, h('span', { text: label }), h('strong', { class: 'usage-figure', text: `${used} of ${limit} lines in use` })),
    progressBar(limit ? used / limit : 0, { label, tone }),
    extra ? h('p', { class: 'subtle', text: extra }) : null);
}

async function userSettings(container) {
  const body = h('div', { class: 'settings-grid' }, loading());
  append(container, 
    h('header', { class: 'page-head' }, h('div', {}, h('h1', { text: 'Settings' }), h('p', { class: 'subtle', text: 'Your concurrency limit, how much of it is in use right now, and your frequency cap.' }))),
    body);
  let stopped = false;
  async function refresh() {
    try {
      const me = await api('/api/me');
      if (stopped) return;
      append(clear(body), 
        h('section', { class: 'card' },
          h('h2', { text: 'Your concurrency limit' }),
          h('p', { class: 'big-number' }, h('strong', { id: 'my-limit', text: String(me.concurrentCallsLimit) }), h('span', { text: ' calls at a time' })),
          usage('Your calls in progress', me.activeCalls, me.concurrentCallsLimit, `${fmt.number(me.queuedCalls)} calls waiting in your campaigns.`),
          h('p', { class: 'field-hint', text: 'Your campaigns share this limit. Ask an administrator to change it.' })),
        h('section', { class: 'card' },
          h('h2', { text: 'System' }),
          h('p', { class: 'big-number' }, h('strong', { text: String(me.systemConcurrentCallsLimit) }), h('span', { text: ' calls at a time, for everyone' })),
          h('p', { class: 'field-hint', text: 'Free lines are handed out to users in turn, so no one waits behind a big campaign.' })),
        h('section', { class: 'card' },
          h('h2', { text: 'Frequency cap' }),
          h('p', { id: 'my-call-cap', text: me.callCap ? `${capText(me.callCap)}, over all your campaigns.` : 'No cap: a number may be called as often as your campaigns ask.' }),
          h('p', { class: 'field-hint', text: 'A call over the cap waits until the oldest counted call leaves the window. Ask an administrator to change it.' })),
        h('section', { class: 'card' },
          h('h2', { text: 'Account' }),
          h('dl', { class: 'facts' }, h('dt', { text: 'User' }), h('dd', { text: me.name }), h('dt', { text: 'Id' }), h('dd', {}, h('code', { text: me.id })))));
    } catch (e) {
      if (!stopped) append(clear(body), errorBox(e, { retry: refresh }));
    }
  }
  await refresh();
  const timer = setInterval(refresh, REFRESH_MS);
  return () => { stopped = true; clearInterval(timer); };
}

async function adminSettings(container) {
  const systemCard = h('section', { class: 'card', 'aria-labelledby': 'system-title' }, loading());
  const usersCard = h('section', { class: 'card', 'aria-labelledby': 'users-title' }, loading());
  append(container, 
    h('header', { class: 'page-head' },
      h('div', {}, h('h1', { text: 'Administration' }), h('p', { class: 'subtle', text: 'Users, their limits and keys, the system-wide limit and frequency cap, and the calling rules.' })),
      h('button', { type: 'button', class: 'button button-primary', text: '+ New user', onclick: () => newUser(refresh) })),
    systemCard, usersCard, callingRulesCard());

  let stopped = false;
  let editing = false; // don't replace inputs while someone types in them
  container.addEventListener('focusin', (e) => { editing = e.target.matches('input'); });
  container.addEventListener('focusout', () => { editing = false; });

  const systemLimit = h('input', { type: 'number', name: 'systemConcurrentCallsLimit', min: '1', max: '100000', required: true, id: 'system-limit' });
  const systemMessage = h('div', {});
  const systemSave = h('button', { type: 'submit', class: 'button', text: 'Save' });
  const systemForm = h('form', { class: 'inline-form', novalidate: true },
    field('System limit (calls at a time)', systemLimit, { name: 'systemConcurrentCallsLimit' }), systemSave);
  systemForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    clear(systemMessage);
    try {
      await busy(systemSave, 'Saving…', () => api('/api/admin/system', { method: 'PUT', json: { systemConcurrentCallsLimit: Number(systemLimit.value) } }));
      showFieldErrors(systemForm, null);
      toast('System limit saved.', 'success');
      systemLimit.dataset.dirty = '';
      refresh();
    } catch (err) {
      showFieldErrors(systemForm, err);
      append(systemMessage, errorBox(err));
    }
  });
  systemLimit.addEventListener('input', () => { systemLimit.dataset.dirty = 'true'; });
  const systemUsage = h('div', {});
  const systemCap = systemCapSection({ isEditing: () => editing, onSaved: () => refresh() });
  append(clear(systemCard), h('h2', { id: 'system-title', text: 'System' }), systemUsage, systemForm, systemMessage, systemCap.element);

  const usersBody = h('div', {});
  append(clear(usersCard), h('h2', { id: 'users-title', text: 'Users' }), usersBody);
  const rows = new Map();

  async function refresh() {
    try {
      const [system, users] = await Promise.all([api('/api/admin/system'), api('/api/admin/users')]);
      if (stopped) return;
      append(clear(systemUsage), usage('Calls in progress, all users', system.activeCalls, system.systemConcurrentCallsLimit, `${fmt.number(system.queuedCalls)} calls waiting.`));
      if (!systemLimit.dataset.dirty && document.activeElement !== systemLimit) systemLimit.value = String(system.systemConcurrentCallsLimit);
      systemCap.update(system.callCap);
      // Rows are updated in place while the same users are listed, so a limit being typed is never lost.
      const ids = users.map((u) => u.id).join('\n');
      if (ids === usersBody.dataset.ids && !editing) {
        for (const u of users) rows.get(u.id)?.update(u);
        return;
      }
      if (editing) {
        for (const u of users) rows.get(u.id)?.update(u);
        return;
      }
      usersBody.dataset.ids = ids;
      rows.clear();
      clear(usersBody);
      if (users.length === 0) {
        append(usersBody, h('p', { class: 'subtle', text: 'No users yet. Create one to hand out a key.' }));
        return;
      }
      append(usersBody, table(['User', 'Limit', 'In use', 'Waiting', 'Frequency cap', 'Key'], users.map((u) => userRow(u, refresh, rows, () => systemCap.cap)), 'users-table'));
    } catch (e) {
      if (!stopped) append(clear(usersBody), errorBox(e, { retry: refresh }));
    }
  }

  await refresh();
  const timer = setInterval(refresh, REFRESH_MS);
  return () => { stopped = true; clearInterval(timer); };
}

function userRow(u, refresh, rows, systemCap) {
  const input = h('input', { type: 'number', min: '1', max: '1000', value: String(u.concurrentCallsLimit), 'aria-label': `Limit of ${u.id}`, class: 'limit-input', dataset: { userId: u.id } });
  const save = h('button', { type: 'submit', class: 'button button-small', text: 'Save' });
  const error = h('div', { class: 'field-error', hidden: true, role: 'alert' });
  const form = h('form', { class: 'limit-form', novalidate: true }, input, save, error);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.hidden = true;
    try {
      const updated = await busy(save, '…', () => api(`/api/admin/users/${encodeURIComponent(u.id)}/limits`, { method: 'PUT', json: { concurrentCallsLimit: Number(input.value) } }));
      toast(`${updated.id}: limit set to ${updated.concurrentCallsLimit}.`, 'success');
      input.dataset.dirty = '';
      input.blur();
      refresh();
    } catch (err) {
      error.textContent = err.fieldErrors?.concurrentCallsLimit?.join(' ') || err.detail || err.message;
      error.hidden = false;
      input.focus();
    }
  });
  const inUse = h('span', {});
  const waiting = h('span', {});
  let latest = u;
  const cap = h('span', { class: 'user-cap' });
  const editCap = h('button', { type: 'button', class: 'button button-small button-ghost', text: 'Change', 'aria-label': `Change the frequency cap of ${u.id}`,
    onclick: () => editUserCap(latest, systemCap(), (updated) => { update(updated); refresh(); }) });
  const update = (x) => {
    latest = x;
    append(clear(inUse), h('span', { class: `pill tone-${usageTone(x.activeCalls, x.concurrentCallsLimit)}`, text: `${x.activeCalls} / ${x.concurrentCallsLimit}` }));
    waiting.textContent = fmt.number(x.queuedCalls);
    cap.textContent = capShort(x.callCap);
    if (document.activeElement !== input && !input.dataset.dirty) input.value = String(x.concurrentCallsLimit);
  };
  input.addEventListener('input', () => { input.dataset.dirty = 'true'; });
  update(u);
  rows.set(u.id, { update });
  const rotate = h('button', { type: 'button', class: 'button button-small button-ghost', text: 'Rotate key',
    onclick: async () => {
      const ok = await confirmAction({ title: `Rotate ${u.id}'s key?`, message: 'A new key is made and the old one stops working at once. Scripts and browsers using it must sign in again.', confirm: 'Rotate key', danger: true });
      if (!ok) return;
      try {
        const { apiKey } = await busy(rotate, '…', () => api(`/api/admin/users/${encodeURIComponent(u.id)}/keys`, { method: 'POST' }));
        showKey(`New key for ${u.id}`, apiKey);
      } catch (err) {
        toast(`${err.title ?? 'Error'}: ${err.detail || err.message}`, 'error');
      }
    } });
  return [h('span', { class: 'contact-cell' }, h('strong', { text: u.name }), h('small', { class: 'subtle', text: u.id })), form, inUse, waiting,
    h('span', { class: 'cap-cell' }, cap, editCap), rotate];
}

/** A key is shown once: in a modal with a copy button. */
function showKey(title, key) {
  const input = h('input', { type: 'text', readonly: true, value: key, class: 'key-output', 'aria-label': 'API key', onfocus: (e) => e.target.select() });
  const copy = h('button', { type: 'button', class: 'button button-primary', text: 'Copy',
    onclick: async () => {
      try { await navigator.clipboard.writeText(key); copy.textContent = 'Copied'; } catch { input.select(); }
    } });
  const done = h('button', { type: 'button', class: 'button', text: 'Done', onclick: () => modal.close() });
  const modal = openModal({ title, body: h('div', {}, h('p', { text: 'Copy it now: it is shown only this once.' }), input), footer: [done, copy] });
  input.focus();
}

function newUser(refresh) {
  const id = h('input', { name: 'id', required: true, autocomplete: 'off', pattern: '[A-Za-z0-9][A-Za-z0-9._-]{0,63}' });
  const name = h('input', { name: 'name', required: true, autocomplete: 'off' });
  const limit = h('input', { name: 'concurrentCallsLimit', type: 'number', min: '1', max: '1000', value: '2' });
  const message = h('div', {});
  const submit = h('button', { type: 'submit', class: 'button button-primary', text: 'Create user', form: 'new-user-form' });
  const cancel = h('button', { type: 'button', class: 'button', text: 'Cancel', onclick: () => modal.close() });
  const form = h('form', { id: 'new-user-form', novalidate: true }, message,
    h('div', { class: 'form-grid' },
      field('User id', id, { name: 'id', hint: 'Letters, digits, “.”, “_” or “-”.' }),
      field('Name', name, { name: 'name' }),
      field('Concurrency limit', limit, { name: 'concurrentCallsLimit' })));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clear(message);
    try {
      const user = await busy(submit, 'Creating…', () => api('/api/admin/users', { method: 'POST', json: { id: id.value.trim(), name: name.value.trim(), concurrentCallsLimit: Number(limit.value) } }));
      modal.close();
      refresh();
      showKey(`Key for ${user.id}`, user.apiKey);
    } catch (err) {
      showFieldErrors(form, err);
      append(message, errorBox(err));
    }
  });
  const modal = openModal({ title: 'New user', body: form, footer: [cancel, submit] });
}
