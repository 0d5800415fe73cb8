// One campaign: figures and charts, the live queue in dispatch order, the calls, and its settings.
import { h, append, clear, fmt, relativeTime, svg } from '../dom.js';
import { api, streamEvents } from '../api.js';
import { errorBox, loading, emptyState, badge, progressBar, toast, showFieldErrors, busy } from '../ui.js';
import { keptActions, applyEvent, progressOf } from '../campaignActions.js';
import { campaignForm, loadAgents } from '../campaignForm.js';

const QUEUE_PAGE = 25;
const CALLS_PAGE = 25;
const CALL_FILTERS = [['all', 'All'], ['in-progress', 'In progress'], ['completed', 'Connected'], ['failed', 'Failed'], ['cancelled', 'Cancelled']];

export async function campaignView(container, { params, query }) {
  const id = Number(params[0]);
  let campaign = await api(`/api/campaigns/${id}`);
  let analytics = null;
  let agents = new Map();
  let stopped = false;
  let queuePage = 1;
  let callsPage = 1;
  let callsFilter = 'all';

  const head = h('header', { class: 'page-head detail-head' });
  const liveState = h('span', { class: 'live-state', 'aria-live': 'polite' });
  const summary = h('section', { class: 'card summary', 'aria-label': 'Progress' });
  const figures = h('section', { class: 'figures', 'aria-label': 'Figures' });
  const charts = h('section', { class: 'charts' });
  const queueBody = h('div', {}, loading('Loading the queue…'));
  const callsBody = h('div', {}, loading('Loading calls…'));
  const callsFilterBar = h('div', { class: 'tabs tabs-small', role: 'tablist', 'aria-label': 'Calls by status' });
  const settings = h('section', { class: 'card', id: 'settings', 'aria-labelledby': 'settings-title' });

  append(container, 
    h('a', { href: '#/campaigns', class: 'back-link', text: '← All campaigns' }),
    head, summary, figures, charts,
    h('section', { class: 'card', 'aria-labelledby': 'queue-title' },
      h('div', { class: 'section-head' }, h('h2', { id: 'queue-title', text: 'Queue' }), h('span', { class: 'subtle', text: 'Waiting contacts, in the order they will be called' })),
      queueBody),
    h('section', { class: 'card', 'aria-labelledby': 'calls-title' },
      h('div', { class: 'section-head' }, h('h2', { id: 'calls-title', text: 'Calls' }), callsFilterBar),
      callsBody),
    settings);

  loadAgents().then((list) => { agents = new Map(list.map((a) => [a.id, a.name])); renderHead(); }).catch(() => {});

  const actions = keptActions();
  function renderHead() {
    append(clear(head), 
      h('div', {},
        h('div', { class: 'title-row' }, h('h1', { text: campaign.name }), badge(campaign.status), liveState),
        h('p', { class: 'subtle' },
          `Agent: ${agents.get(campaign.agentId) ?? campaign.agentId} · Created ${fmt.date(campaign.createdAt)} · ${windowLine(campaign)} · ${campaign.pacing === 'asap' ? 'as fast as possible' : 'spread evenly'}`),
        headEta(),
        campaign.description ? h('p', { class: 'description', text: campaign.description }) : null,
        campaign.statusReason ? h('p', { class: 'alert alert-warn', text: campaign.statusReason }) : null),
      actions(campaign, {
        onChanged: (updated) => {
          if (updated === null) { location.hash = '#/campaigns'; return; }
          if (updated) { campaign = updated; renderAll(); }
          refresh();
        },
        onEdit: () => focusSettings(),
      }));
  }

  /** When the campaign should be done: the campaign's own estimate (the analytics' while an older node answers). */
  const etaOf = () => campaign.estimatedCompletionAt ?? analytics?.estimatedCompletionAt ?? null;

  function headEta() {
    const eta = etaOf();
    if (campaign.status === 'completed' || campaign.status === 'cancelled') return null;
    return h('p', { class: 'head-eta' }, 'Estimated completion: ',
      eta ? [h('strong', { class: 'eta-value', text: fmt.friendly(eta) }), alsoRelative(eta)] : h('strong', { class: 'eta-value', text: campaign.status === 'paused' ? 'paused' : '—' }));
  }

  function renderSummary() {
    const { done, total, ratio } = progressOf(campaign);
    append(clear(summary), 
      h('div', { class: 'progress-row progress-row-large' },
        progressBar(ratio, { label: 'Campaign progress' }),
        h('span', { class: 'progress-text', text: `${Math.round(ratio * 100)}% (${done}/${total})` })),
      h('div', { class: 'stats-row' },
        h('span', { class: 'stat stat-success' }, 'Success: ', h('strong', { class: 'count-success', text: String(campaign.successfulCalls) })),
        h('span', { class: 'stat stat-failed' }, 'Failed: ', h('strong', { class: 'count-failed', text: String(campaign.failedCalls) })),
        h('span', { class: 'stat stat-queued' }, 'Queue: ', h('strong', { class: 'count-queued', text: String(campaign.queuedCalls) })),
        h('span', { class: 'stat stat-live' }, campaign.inProgressCalls ? h('span', { class: 'live-dot', 'aria-hidden': 'true' }) : null, 'On call: ', h('strong', { text: String(campaign.inProgressCalls) })),
        campaign.cancelledCalls ? h('span', { class: 'stat' }, 'Cancelled: ', h('strong', { text: String(campaign.cancelledCalls) })) : null),
      h('p', { class: 'next-call' },
        campaign.nextCallAt && !['completed', 'cancelled', 'paused'].includes(campaign.status)
          ? [`Next call: ${fmt.friendly(campaign.nextCallAt)}`, alsoRelative(campaign.nextCallAt)]
          : campaign.status === 'completed' ? 'All calls done.' : null));
  }

  function renderFigures() {
    const a = analytics;
    const tile = (label, value, hint) => h('div', { class: 'figure' }, h('span', { class: 'figure-label', text: label }), h('strong', { class: 'figure-value', text: value }), hint ? h('span', { class: 'figure-hint', text: hint }) : null);
    append(clear(figures), 
      tile('Success rate', a ? fmt.percent(a.successRate) : '—', a ? `${a.successful} of ${a.completed} ended calls` : ''),
      tile('Average duration', a ? fmt.duration(a.averageDurationSeconds) : '—', 'connected calls'),
      tile('Total cost', a ? fmt.money(a.totalCost) : '—', 'every attempt'),
      tile('Estimated completion', etaOf() ? fmt.friendly(etaOf()) : '—', etaOf() ? fmt.relative(etaOf()) : campaign.status === 'completed' ? 'done' : ''));
  }

  function renderCharts() {
    if (!analytics) return;
    append(clear(charts), 
      h('div', { class: 'card chart-card' }, h('h2', { text: 'Outcomes' }), outcomesChart(analytics.outcomes)),
      h('div', { class: 'card chart-card' }, h('h2', { text: 'Calls by hour' }), hoursChart(analytics.callsByHour, campaign.timeZone)));
  }

  async function loadQueue() {
    try {
      const page = await api(`/api/campaigns/${id}/queue?status=queued&page=${queuePage}&pageSize=${QUEUE_PAGE}`);
      if (stopped) return;
      if (page.items.length === 0 && queuePage > 1) { queuePage--; return loadQueue(); }
      clear(queueBody);
      if (page.total === 0) {
        append(queueBody, emptyState('Nobody is waiting', campaign.status === 'completed' ? 'Every contact has been called.' : 'Contacts waiting for their call show up here.'));
        return;
      }
      append(queueBody, table(['#', 'Contact', 'Estimated call', 'Waiting because', 'Attempts'], page.items.map((item) => [
        h('span', { class: 'position', text: item.position ?? '—' }),
        contactCell(item),
        item.estimatedCallAt
          ? h('time', { class: 'eta', datetime: item.estimatedCallAt, title: new Date(item.estimatedCallAt).toLocaleString() }, fmt.friendly(item.estimatedCallAt))
          : h('span', { class: 'subtle', text: '—' }),
        reasonCell(item.waitingReason, item.timeZone ?? campaign.timeZone),
        String(item.attempts),
      ]), 'queue-table'), pagerFor(page, QUEUE_PAGE, queuePage, (p) => { queuePage = p; loadQueue(); }));
    } catch (e) {
      if (!stopped) append(clear(queueBody), errorBox(e, { retry: loadQueue }));
    }
  }

  function renderCallsFilter() {
    append(clear(callsFilterBar), CALL_FILTERS.map(([key, label]) => h('button', {
      type: 'button', class: 'tab', role: 'tab', 'aria-selected': String(key === callsFilter), text: label,
      onclick: () => { callsFilter = key; callsPage = 1; renderCallsFilter(); loadCalls(); },
    })));
  }

  async function loadCalls() {
    try {
      let items;
      let page = null;
      if (callsFilter === 'all' || callsFilter === 'in-progress') {
        const statuses = callsFilter === 'all' ? ['dialing', 'in-progress', 'completed', 'failed', 'cancelled'] : ['dialing', 'in-progress'];
        const pages = await Promise.all(statuses.map((s) => api(`/api/campaigns/${id}/queue?status=${s}&pageSize=50`)));
        items = pages.flatMap((p) => p.items).sort((a, b) => latest(b) - latest(a)).slice(0, 100);
      } else {
        page = await api(`/api/campaigns/${id}/queue?status=${callsFilter}&page=${callsPage}&pageSize=${CALLS_PAGE}`);
        items = page.items;
      }
      if (stopped) return;
      clear(callsBody);
      if (items.length === 0) {
        append(callsBody, emptyState('No calls yet', callsFilter === 'all' ? 'Calls appear here as soon as they are placed.' : 'None with this status.'));
        return;
      }
      append(callsBody, table(['Contact', 'Status', 'Outcome', 'Started', 'Duration', 'Cost', 'Summary', 'Recording'], items.map((item) => [
        contactCell(item),
        badge(item.status),
        outcomeCell(item, campaign.timeZone),
        item.startedAt ? fmt.when(item.startedAt) : '—',
        fmt.duration(item.durationSeconds),
        fmt.money(item.cost),
        summaryOf(item) ? h('span', { class: 'summary-text', text: summaryOf(item) }) : '—',
        recordingOf(item) ? h('a', { href: recordingOf(item), target: '_blank', rel: 'noopener noreferrer', text: 'Listen' }) : '—',
      ]), 'calls-table'), page ? pagerFor(page, CALLS_PAGE, callsPage, (p) => { callsPage = p; loadCalls(); }) : null);
    } catch (e) {
      if (!stopped) append(clear(callsBody), errorBox(e, { retry: loadCalls }));
    }
  }

  function renderSettings() {
    const final = campaign.status === 'completed' || campaign.status === 'cancelled';
    const form = campaignForm({ mode: 'edit', campaign });
    const message = h('div', {});
    const save = h('button', { type: 'submit', class: 'button button-primary', text: 'Save changes' });
    const fieldset = h('fieldset', { disabled: final }, form.element);
    const el = h('form', { class: 'settings-form', novalidate: true }, message, fieldset,
      h('div', { class: 'form-actions' }, final ? h('span', { class: 'subtle', text: `A ${campaign.status} campaign cannot be changed.` }) : save));
    el.addEventListener('submit', async (e) => {
      e.preventDefault();
      clear(message);
      showFieldErrors(el, null);
      try {
        campaign = await busy(save, 'Saving…', () => api(`/api/campaigns/${id}`, { method: 'PATCH', json: form.values() }));
        toast('Settings saved.', 'success');
        renderAll();
        renderSettings(); // the saved values become the form's starting point
        refresh();
      } catch (err) {
        if (err.status === 409) refresh(); // finished meanwhile: the form is shown disabled
        showFieldErrors(el, err);
        append(message, errorBox(err));
      }
    });
    append(clear(settings), h('div', { class: 'section-head' }, h('h2', { id: 'settings-title', text: 'Settings' })), el);
    settings.focusForm = form.focus;
  }

  function focusSettings() {
    settings.scrollIntoView({ behavior: 'smooth', block: 'start' });
    settings.focusForm?.();
  }

  function renderAll() {
    renderHead();
    renderSummary();
    renderFigures();
    renderCharts();
  }

  let refreshing = false;
  let again = false;
  async function refresh() {
    if (refreshing) { again = true; return; }
    refreshing = true;
    try {
      const [c, a] = await Promise.all([api(`/api/campaigns/${id}`), api(`/api/campaigns/${id}/analytics`).catch(() => analytics)]);
      if (stopped) return;
      const statusChanged = c.status !== campaign.status;
      campaign = c;
      analytics = a;
      renderAll();
      if (statusChanged) renderSettings();
      await Promise.all([loadQueue(), loadCalls()]);
    } catch (e) {
      if (e.status === 404) { append(clear(container), errorBox(e), h('a', { href: '#/campaigns', text: '← All campaigns' })); stopped = true; }
    } finally {
      refreshing = false;
      if (again && !stopped) { again = false; setTimeout(refresh, 300); }
    }
  }

  // Live: counters from the event stream at once, the lists refreshed at most every 1.5 s.
  let pending = null;
  const scheduleRefresh = () => { pending ??= setTimeout(() => { pending = null; refresh(); }, 1500); };
  const stream = streamEvents(id, {
    onState: (state) => {
      liveState.className = `live-state live-${state}`;
      liveState.textContent = state === 'open' ? '● Live' : state === 'reconnecting' ? 'Reconnecting…' : state === 'closed' ? '' : 'Connecting…';
    },
    onEvent: (name, data) => {
      if (name === 'campaign') {
        const before = campaign.status;
        campaign = data.counters ? applyEvent(campaign, data) : { ...campaign, ...data };
        renderHead();
        renderSummary();
        if (before !== campaign.status) renderSettings();
      }
      scheduleRefresh();
    },
  });

  renderAll();
  renderSettings();
  renderCallsFilter();
  await refresh();
  if (query.get('edit')) focusSettings();
  const timer = setInterval(refresh, 8000);
  return () => {
    stopped = true;
    clearInterval(timer);
    clearTimeout(pending);
    stream.close();
  };
}

const latest = (item) => new Date(item.completedAt ?? item.startedAt ?? 0).getTime() || Number.MAX_SAFE_INTEGER;
const summaryOf = (item) => item.summary ?? item.transcriptSummary ?? null;
const recordingOf = (item) => {
  const url = item.recordingUrl ?? item.recording ?? null;
  return typeof url === 'string' && /^https?:\/\//i.test(url) ? url : null;
};

/** " (in 3 h 10 min)" after a friendly time that does not already say how far off it is. */
function alsoRelative(iso) {
  const said = fmt.friendly(iso);
  return said === 'now' || said.startsWith('in ') ? null : [' (', relativeTime(iso), ')'];
}

/** "Window 09:00–17:00 Europe/London", or "… in each contact's local time" when the window follows each contact's clock. */
function windowLine(c) {
  const hours = `Window ${c.firstCallTime}–${c.lastCallTime}`;
  return c.windowZone === 'contact' ? `${hours} in each contact's local time (${c.timeZone} when unknown)` : `${hours} ${c.timeZone}`;
}

const REASON_LABELS = {
  next: 'next', 'window-closed': 'window closed', scheduled: 'scheduled', 'user-limit': 'your limit',
  'system-limit': 'system limit', paused: 'paused', 'retry-delay': 'retry later', 'dial-unknown': 'unconfirmed dial',
  'contact-time': 'outside their hours', 'calling-rules': 'calling rules', 'frequency-cap': 'call cap',
};

/** Waits that end at a time of the contact's own day: their until is said on the contact's clock. */
const CONTACT_CLOCK = new Set(['contact-time', 'calling-rules']);

/** Why a queued contact waits: a small coloured label for the code and the API's sentence. */
function reasonCell(reason, contactZone) {
  if (!reason) return h('span', { class: 'subtle', text: '—' });
  return h('span', { class: `reason reason-${reason.code}`, dataset: { code: reason.code } },
    h('span', { class: 'reason-code', text: REASON_LABELS[reason.code] ?? reason.code }), ' ',
    h('span', { class: 'reason-text', text: reason.text }),
    CONTACT_CLOCK.has(reason.code) && reason.until ? untilOnTheirClock(reason.until, contactZone) : null);
}

/** What became of a call: why it waits, its outcome (a listed number's in words, with the list entry), or why it failed. */
function outcomeCell(item, campaignZone) {
  if (item.waitingReason) return reasonCell(item.waitingReason, item.timeZone ?? campaignZone);
  if (item.outcome === 'do-not-call') {
    return h('span', { class: 'reason reason-do-not-call', dataset: { code: item.outcome } },
      h('span', { class: 'reason-code', text: 'on the do-not-call list' }), ' ', h('span', { class: 'reason-text', text: item.failureReason ?? '' }));
  }
  if (item.outcome) return h('span', { text: item.outcome });
  return item.failureReason ? h('span', { class: 'subtle', text: item.failureReason }) : '—';
}

/** "9:00 AM in Tokyo, in 3 h": when the wait ends, on the contact's clock and from now. */
function untilOnTheirClock(until, zone) {
  return h('span', { class: 'reason-until', title: `${new Date(until).toLocaleString()} your time` },
    `${fmt.clockIn(until, zone)} in ${fmt.place(zone)}, `, relativeTime(until));
}

function contactCell(item) {
  return h('span', { class: 'contact-cell' }, h('strong', { text: item.contactName || 'Unnamed' }), h('small', { class: 'subtle', text: item.phoneNumber }));
}

export function table(headers, rows, className = '') {
  return h('div', { class: 'table-wrap' },
    h('table', { class: `table ${className}` },
      h('thead', {}, h('tr', {}, headers.map((text) => h('th', { scope: 'col', text })))),
      h('tbody', {}, rows.map((cells) => h('tr', {}, cells.map((cell, i) => h('td', { 'data-label': headers[i] }, cell)))))));
}

function pagerFor(page, size, current, go) {
  const pages = Math.ceil(page.total / size);
  if (pages <= 1) return null;
  return h('div', { class: 'pager' },
    h('button', { type: 'button', class: 'button button-small', disabled: current <= 1, text: '← Previous', onclick: () => go(current - 1) }),
    h('span', { text: `Page ${current} of ${pages} · ${page.total} in all` }),
    h('button', { type: 'button', class: 'button button-small', disabled: current >= pages, text: 'Next →', onclick: () => go(current + 1) }));
}

const OUTCOME_TONES = { completed: 'success', busy: 'warn', 'no-answer': 'muted', failed: 'danger', error: 'danger', canceled: 'muted', stopped: 'muted' };

function outcomesChart(outcomes) {
  const entries = Object.entries(outcomes ?? {}).sort((a, b) => b[1] - a[1]);
  if (entries.length === 0) return h('p', { class: 'subtle chart-empty', text: 'No ended calls yet.' });
  const max = Math.max(...entries.map(([, n]) => n));
  const sum = entries.reduce((s, [, n]) => s + n, 0);
  return h('ul', { class: 'hbars', 'aria-label': 'Outcomes by status' }, entries.map(([key, n]) => h('li', {},
    h('span', { class: 'hbar-label', text: key }),
    h('span', { class: 'hbar-track' }, h('span', { class: `hbar-fill tone-${OUTCOME_TONES[key] ?? 'accent'}`, style: { width: `${(n / max) * 100}%` } })),
    h('span', { class: 'hbar-value', text: `${n} · ${Math.round((n / sum) * 100)}%` }))));
}

function hoursChart(byHour, timeZone) {
  const data = byHour ?? [];
  const total = data.reduce((s, d) => s + d.calls, 0);
  if (total === 0) return h('p', { class: 'subtle chart-empty', text: 'No calls yet.' });
  const max = Math.max(1, ...data.map((d) => d.calls));
  const width = 480;
  const height = 160;
  const bar = width / 24;
  const plot = height - 20;
  const chart = svg('svg', { viewBox: `0 0 ${width} ${height}`, class: 'vbars', role: 'img', 'aria-label': `Calls by hour of the day (${timeZone})` },
    data.map((d) => {
      const x = d.hour * bar + 2;
      const all = (d.calls / max) * plot;
      const ok = (d.successful / max) * plot;
      return svg('g', {},
        svg('title', {}, `${String(d.hour).padStart(2, '0')}:00 — ${d.calls} calls, ${d.successful} connected`),
        svg('rect', { x, y: plot - all, width: bar - 4, height: Math.max(all, d.calls ? 1 : 0), rx: 2, class: 'vbar-all' }),
        svg('rect', { x, y: plot - ok, width: bar - 4, height: ok, rx: 2, class: 'vbar-ok' }));
    }),
    [0, 6, 12, 18, 23].map((hour) => svg('text', { x: hour * bar + bar / 2, y: height - 4, 'text-anchor': 'middle', class: 'vbar-axis' }, String(hour).padStart(2, '0'))));
  return h('div', {}, chart, h('p', { class: 'legend' },
    h('span', { class: 'legend-swatch vbar-all-swatch' }), 'calls ', h('span', { class: 'legend-swatch vbar-ok-swatch' }), `connected · hours in ${timeZone}`));
}
