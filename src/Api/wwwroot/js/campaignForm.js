// The campaign's fields, shared by "from contacts", "from a CSV" and the campaign's settings.
import { h, todayIn, browserTimeZone } from './dom.js';
import { api } from './api.js';
import { field, zoneDatalist } from './ui.js';

const OUTCOMES = [['busy', 'Busy'], ['no-answer', 'No answer'], ['failed', 'Failed']];
/** The campaign's optOutField when none is given (the server's default too). */
const OPT_OUT_DEFAULT = 'do_not_call';
let agentsCache = null;

export function loadAgents() {
  agentsCache ??= api('/api/agents').catch((e) => {
    agentsCache = null;
    throw e;
  });
  return agentsCache;
}

export function defaultCampaignName(hint) {
  const stamp = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' }).format(new Date());
  return hint ? `${hint} · ${stamp}` : `Campaign · ${stamp}`;
}

/**
 * Builds the fields. mode 'create' shows the start date; 'edit' fills in a campaign and leaves out what cannot change.
 * Returns { element, values(), focus() }.
 */
export function campaignForm({ mode = 'create', campaign = null, defaultName = '' } = {}) {
  const c = campaign ?? {};
  const zone = c.timeZone ?? browserTimeZone();

  const name = h('input', { name: 'name', type: 'text', maxlength: '200', value: c.name ?? defaultName, autocomplete: 'off' });
  const agent = h('select', { name: 'agentId', required: true }, h('option', { value: '', text: 'Loading agents…' }));
  const nextAction = h('textarea', { name: 'nextAction', rows: '2', placeholder: 'e.g. Offer a 15-minute demo next week and book it', value: c.nextAction ?? '' });
  const description = h('input', { name: 'description', type: 'text', value: c.description ?? '', placeholder: 'Optional, for your team' });
  const first = h('input', { name: 'firstCallTime', type: 'time', required: true, value: c.firstCallTime ?? '09:00' });
  const last = h('input', { name: 'lastCallTime', type: 'time', required: true, value: c.lastCallTime ?? '17:00' });
  const zones = zoneDatalist();
  const timeZone = h('input', { name: 'timeZone', type: 'text', list: zones.id, value: zone, autocomplete: 'off', spellcheck: 'false' });
  const contactClock = h('input', { name: 'windowZone', type: 'checkbox', value: 'contact', checked: c.windowZone === 'contact' });
  const startDate = h('input', { name: 'startDate', type: 'date', value: todayIn(zone), min: todayIn(zone) });
  const endDate = h('input', { name: 'endDate', type: 'date', value: c.endDate ?? '' });
  const optOutField = h('input', { name: 'optOutField', type: 'text', maxlength: '100', value: c.optOutField ?? OPT_OUT_DEFAULT, autocomplete: 'off', spellcheck: 'false' });
  let startTouched = false;
  startDate.addEventListener('input', () => { startTouched = true; });
  timeZone.addEventListener('change', () => {
    if (!startTouched) startDate.value = todayIn(timeZone.value.trim());
    startDate.min = todayIn(timeZone.value.trim());
  });

  const pacingValue = c.pacing ?? 'spread';
  const pacingGroup = h('div', { class: 'segmented', role: 'radiogroup', 'aria-label': 'Pacing' },
    [['spread', 'Spread evenly', 'Calls are spread evenly over the window'], ['asap', 'As fast as possible', 'As many at once as your limits allow']]
      .map(([value, label, title]) => h('label', { class: 'segment', title },
        h('input', { type: 'radio', name: 'pacing', value, checked: pacingValue === value }), h('span', { text: label }))));

  const retry = c.retry ?? { maxAttempts: 1, delayMinutes: 30, on: [] };
  const attempts = h('select', { name: 'retry.maxAttempts' },
    [1, 2, 3, 4, 5].map((n) => h('option', { value: String(n), selected: n === retry.maxAttempts, text: n === 1 ? 'No retry (1 attempt)' : `Up to ${n} attempts` })));
  const delay = h('input', { name: 'retry.delayMinutes', type: 'number', min: '0', max: '10080', step: '1', value: String(retry.delayMinutes || 30) });
  const onChecks = OUTCOMES.map(([value, label]) => h('label', { class: 'check' },
    h('input', { type: 'checkbox', name: 'retry.on', value, checked: retry.maxAttempts > 1 ? (retry.on ?? []).includes(value) : true }), ' ', label));
  const retryDetails = h('div', { class: 'retry-details' },
    field('Wait between attempts (minutes)', delay, { name: 'retry.delayMinutes' }),
    h('div', { class: 'field', dataset: { field: 'retry.on' } }, h('span', { class: 'label', text: 'Retry when the call was' }),
      h('div', { class: 'checks' }, onChecks), h('div', { class: 'field-error', hidden: true })));
  const syncRetry = () => { retryDetails.hidden = attempts.value === '1'; };
  attempts.addEventListener('change', syncRetry);
  syncRetry();

  const info = h('p', { class: 'info-line', role: 'note' });
  let limit = null;
  const syncInfo = () => {
    const n = limit ?? '…';
    const pacing = pacingGroup.querySelector('input:checked')?.value;
    info.textContent = pacing === 'asap'
      ? `Calls will be placed as fast as your limits allow; your concurrency limit: ${n}`
      : `Calls will be spread evenly within the window; your concurrency limit: ${n}`;
  };
  pacingGroup.addEventListener('change', syncInfo);
  syncInfo();
  api('/api/me').then((me) => { limit = me.concurrentCallsLimit; syncInfo(); }).catch(() => {});

  loadAgents().then((agents) => {
    agent.replaceChildren(h('option', { value: '', text: 'Choose an agent…', disabled: true }));
    for (const a of agents) agent.append(h('option', { value: a.id, text: a.name }));
    if (c.agentId && !agents.some((a) => a.id === c.agentId)) agent.append(h('option', { value: c.agentId, text: c.agentId }));
    agent.value = c.agentId ?? (agents.length === 1 ? agents[0].id : agents[0]?.id ?? '');
  }).catch((e) => {
    agent.replaceChildren(h('option', { value: c.agentId ?? '', text: c.agentId ?? 'Agents could not be loaded' }));
    const slot = agent.parentElement?.querySelector('.field-error');
    if (slot) { slot.textContent = `Agents could not be loaded: ${e.message}`; slot.hidden = false; }
  });

  const element = h('div', { class: 'form-grid' },
    field('Campaign name', name, { name: 'name', wide: true, hint: mode === 'create' ? 'Generated for you; change it if you like.' : undefined }),
    field('Agent', agent, { name: 'agentId', wide: true }),
    field('Next action', nextAction, { name: 'nextAction', wide: true, hint: 'What the agent should get the person to do.' }),
    field('First call time', first, { name: 'firstCallTime' }),
    field('Last call time', last, { name: 'lastCallTime', hint: 'Earlier than the first: the window crosses midnight. The same: around the clock.' }),
    field('Time zone', timeZone, { name: 'timeZone', hint: zoneHint(contactClock.checked) }), zones,
    windowZoneField(contactClock, timeZone),
    mode === 'create' ? field('Start date', startDate, { name: 'startDate' }) : null,
    h('div', { class: 'field field-wide', dataset: { field: 'pacing' } }, h('span', { class: 'label', text: 'Pacing' }), pacingGroup, h('div', { class: 'field-error', hidden: true })),
    field('Retries', attempts, { name: 'retry.maxAttempts' }),
    field('End date (optional)', endDate, { name: 'endDate', hint: 'Calls not placed by then are cancelled.' }),
    h('div', { class: 'field-wide' }, retryDetails),
    h('details', { class: 'field-wide more' }, h('summary', { text: 'Description' }), field('Description', description, { name: 'description', wide: true })),
    h('details', { class: 'field-wide more', open: (c.optOutField ?? OPT_OUT_DEFAULT) !== OPT_OUT_DEFAULT },
      h('summary', { text: 'Advanced: opt-out field' }),
      field('Opt-out field', optOutField, { name: 'optOutField', hint: 'The key in your Bolna agent\'s extracted data that means "do not call me again". When a call reports it true, the number goes on your do-not-call list.' })),
    h('div', { class: 'field-wide' }, info));

  function values() {
    const maxAttempts = Number(attempts.value);
    const v = {
      name: name.value.trim() || null,
      description: description.value.trim(),
      agentId: agent.value || null,
      nextAction: nextAction.value.trim(),
      firstCallTime: first.value || null,
      lastCallTime: last.value || null,
      timeZone: timeZone.value.trim() || null,
      windowZone: contactClock.checked ? 'contact' : 'campaign',
      optOutField: optOutField.value.trim() || OPT_OUT_DEFAULT,
      pacing: pacingGroup.querySelector('input:checked')?.value ?? 'spread',
      retry: maxAttempts > 1
        ? { maxAttempts, delayMinutes: Number(delay.value || 0), on: onChecks.map((l) => l.querySelector('input')).filter((i) => i.checked).map((i) => i.value) }
        : { maxAttempts: 1, delayMinutes: 0, on: [] },
    };
    if (mode === 'edit') return changes(v);
    v.startDate = startDate.value || null;
    v.endDate = endDate.value || null;
    if (!v.description) v.description = null;
    if (!v.nextAction) v.nextAction = null;
    return v;
  }

  /**
   * An edit (PATCH) carries only what differs from the campaign, so a setting nobody touched is never checked again
   * (an agent since removed, say); an emptied end date is sent as "" (removes it), an emptied name or zone is left out.
   */
  function changes(v) {
    const out = {};
    const same = (a, b) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
    for (const key of ['name', 'agentId', 'firstCallTime', 'lastCallTime', 'timeZone', 'pacing']) {
      if (v[key] !== null && !same(v[key], c[key])) out[key] = v[key];
    }
    if (v.windowZone !== (c.windowZone ?? 'campaign')) out.windowZone = v.windowZone;
    if (v.optOutField !== (c.optOutField ?? OPT_OUT_DEFAULT)) out.optOutField = v.optOutField;
    for (const key of ['description', 'nextAction']) {
      if (!same(v[key] || null, c[key] || null)) out[key] = v[key];
    }
    if (!same(endDate.value || null, c.endDate || null)) out.endDate = endDate.value || '';
    const current = c.retry ?? { maxAttempts: 1, delayMinutes: 0, on: [] };
    const normal = (r) => (r.maxAttempts > 1 ? { maxAttempts: r.maxAttempts, delayMinutes: r.delayMinutes, on: [...(r.on ?? [])].sort() } : { maxAttempts: 1 });
    if (!same(normal(v.retry), normal(current))) out.retry = v.retry;
    return out;
  }

  return { element, values, focus: () => name.focus() };
}

/**
 * "Call in each contact's local time" (windowZone: "contact"): the window is then read in each contact's zone, and the
 * campaign's zone only stands in for a contact whose zone is unknown; the zone field's hint says which it is.
 */
function windowZoneField(checkbox, timeZone) {
  checkbox.addEventListener('change', () => {
    const hint = timeZone.parentElement?.querySelector('.field-hint');
    if (hint) hint.textContent = zoneHint(checkbox.checked);
  });
  return h('div', { class: 'field', dataset: { field: 'windowZone' } },
    h('label', { class: 'check' }, checkbox, ' Call in each contact\'s local time'),
    h('div', { class: 'field-hint', text: 'The window is read in each contact\'s own time zone (found from the number, or the one you gave); the campaign\'s zone is used when a contact\'s is unknown.' }),
    h('div', { class: 'field-error', hidden: true }));
}

const zoneHint = (contactClock) => (contactClock ? 'Used for contacts whose own zone is unknown.' : 'The window is read in this zone.');

/** The same values as multipart form fields (the CSV import). */
export function appendToForm(form, values) {
  for (const [key, value] of Object.entries(values)) {
    if (value === null || value === undefined || value === '') continue;
    form.append(key, typeof value === 'object' ? JSON.stringify(value) : String(value));
  }
  return form;
}
