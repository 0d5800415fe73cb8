// The campaigns dashboard: tabs by status with counts, a live card per campaign.
import { h, append, clear, fmt, relativeTime } from '../dom.js';
import { api, streamEvents } from '../api.js';
import { errorBox, loading, emptyState, badge, progressBar, openModal } from '../ui.js';
import { keptActions, applyEvent, progressOf } from '../campaignActions.js';
import { loadAgents } from '../campaignForm.js';

const TABS = [['active', 'Active'], ['scheduled', 'Scheduled'], ['paused', 'Paused'], ['completed', 'Completed'], ['cancelled', 'Cancelled']];
const PAGE_SIZE = 24;
const POLL_MS = 4000;
const MAX_STREAMS = 3; // the browser keeps ~6 connections per host: leave room for the rest

export function openNewCampaignChooser() {
  const choice = (href, icon, title, text) => h('a', { href, class: 'choice', onclick: () => modal.close() },
    h('span', { class: 'choice-icon', 'aria-hidden': 'true', text: icon }), h('strong', { text: title }), h('span', { text }));
  const modal = openModal({
    title: 'New campaign',
    body: h('div', { class: 'choices' },
      choice('#/contacts', '☺', 'From contacts', 'Pick people from your contacts, then set the agent and the calling hours.'),
      choice('#/import', '⇪', 'From a CSV file', 'Upload a list (use one of our templates); we check every number.')),
  });
}

export async function campaignsView(container, { query }) {
  const tab = TABS.some(([key]) => key === query.get('status')) ? query.get('status') : 'active';
  let page = Number(query.get('page')) || 1;
  let agents = new Map();
  loadAgents().then((list) => { agents = new Map(list.map((a) => [a.id, a.name])); render(); }).catch(() => {});

  const tabButtons = new Map();
  const tabs = h('div', { class: 'tabs', role: 'tablist', 'aria-label': 'Campaigns by status' },
    TABS.map(([key, label]) => {
      const count = h('span', { class: 'tab-count', text: '·' });
      const a = h('a', { href: `#/campaigns?status=${key}`, class: 'tab', role: 'tab', 'aria-selected': String(key === tab), dataset: { tab: key } },
        h('span', { text: label }), count);
      tabButtons.set(key, count);
      return a;
    }));
  const list = h('div', { class: 'cards', 'aria-live': 'polite' }, loading('Loading campaigns…'));
  const pager = h('div', { class: 'pager' });
  append(container, 
    h('header', { class: 'page-head' },
      h('div', {}, h('h1', { text: 'Call Campaigns' }), h('p', { class: 'subtle', text: 'Every campaign, its progress and its next call, live.' })),
      h('button', { type: 'button', class: 'button button-primary', onclick: openNewCampaignChooser }, h('span', { 'aria-hidden': 'true', text: '+' }), ' New Campaign')),
    tabs, list, pager);

  let campaigns = [];
  let total = 0;
  let counts = {};
  let error = null;
  let loaded = false;
  const cards = new Map();
  const streams = new Map();
  let stopped = false;

  function render() {
    if (!loaded && !error) return; // still loading: keep the spinner
    if (error) {
      append(clear(list), errorBox(error, { retry: refresh }));
      return;
    }
    if (campaigns.length === 0) {
      cards.clear();
      const label = TABS.find(([k]) => k === tab)[1].toLowerCase();
      const firstTime = tab === 'active' && Object.values(counts).every((n) => n === 0);
      append(clear(list), emptyState(`No ${label} campaigns`,
        tab === 'active' ? 'Start one from your contacts or from a CSV file: it begins calling within its window.' : `Campaigns show up here when they are ${label}.`,
        tab === 'active' ? h('button', { type: 'button', class: 'button button-primary', text: 'New Campaign', onclick: openNewCampaignChooser }) : null),
      firstTime ? h('ol', { class: 'getting-started', 'aria-label': 'Getting started' },
        h('li', {}, h('strong', { text: 'Choose who to call. ' }), h('a', { href: '#/contacts', text: 'Add contacts' }), ' or ', h('a', { href: '#/import', text: 'upload a CSV' }), '.'),
        h('li', {}, h('strong', { text: 'Pick the agent and the hours. ' }), 'Calls happen only inside the window, spread evenly or as fast as your limit allows.'),
        h('li', {}, h('strong', { text: 'Watch it live. ' }), 'Progress, the queue and every call update here as they happen.')) : null);
      return;
    }
    list.querySelector('.state')?.remove();
    const seen = new Set();
    campaigns.forEach((c, index) => {
      seen.add(c.id);
      const signature = JSON.stringify([c, agents.get(c.agentId)]);
      let card = cards.get(c.id);
      if (!card) {
        card = h('article', { class: 'card campaign-card', dataset: { campaignId: String(c.id) } });
        cards.set(c.id, card);
      }
      if (card.dataset.sig !== signature) {
        card.dataset.sig = signature;
        fillCard(card, c);
      }
      if (list.children[index] !== card) list.insertBefore(card, list.children[index] ?? null);
    });
    for (const [id, card] of cards) {
      if (!seen.has(id)) { card.remove(); cards.delete(id); }
    }
    clear(pager);
    const pages = Math.ceil(total / PAGE_SIZE);
    if (pages > 1) {
      append(pager, 
        h('a', { class: 'button button-small', href: `#/campaigns?status=${tab}&page=${page - 1}`, 'aria-disabled': String(page <= 1), hidden: page <= 1, text: '← Previous' }),
        h('span', { text: `Page ${page} of ${pages}` }),
        h('a', { class: 'button button-small', href: `#/campaigns?status=${tab}&page=${page + 1}`, hidden: page >= pages, text: 'Next →' }));
    }
  }

  function fillCard(card, c) {
    const { done, total: all, ratio } = progressOf(c);
    const open = () => { location.hash = `#/campaigns/${c.id}`; };
    append(clear(card), 
      h('div', { class: 'card-head' },
        h('h2', { class: 'card-title' }, h('a', { href: `#/campaigns/${c.id}`, text: c.name })),
        badge(c.status)),
      h('p', { class: 'card-meta' },
        h('span', {}, 'Agent: ', h('strong', { text: agents.get(c.agentId) ?? c.agentId })),
        h('span', { text: `Created: ${fmt.date(c.createdAt)}` })),
      h('div', { class: 'progress-row' },
        progressBar(ratio, { label: `Progress of ${c.name}` }),
        h('span', { class: 'progress-text', text: `${Math.round(ratio * 100)}% (${done}/${all})` })),
      h('div', { class: 'stats-row' },
        h('span', { class: 'stat stat-success', title: 'Connected calls' }, h('span', { 'aria-hidden': 'true', text: '✓ ' }), 'Success: ', h('strong', { class: 'count-success', text: String(c.successfulCalls) })),
        h('span', { class: 'stat stat-failed', title: 'Calls that did not connect' }, h('span', { 'aria-hidden': 'true', text: '✕ ' }), 'Failed: ', h('strong', { class: 'count-failed', text: String(c.failedCalls) })),
        h('span', { class: 'stat stat-queued', title: 'Waiting to be called' }, h('span', { 'aria-hidden': 'true', text: '◔ ' }), 'Queue: ', h('strong', { class: 'count-queued', text: String(c.queuedCalls) })),
        c.inProgressCalls ? h('span', { class: 'stat stat-live' }, h('span', { class: 'live-dot', 'aria-hidden': 'true' }), `On call: ${c.inProgressCalls}`) : null),
      nextCallLine(c),
      c.statusReason ? h('p', { class: 'card-note', text: c.statusReason }) : null,
      h('div', { class: 'card-foot' },
        (card.actions ??= keptActions())(c, {
          onChanged: () => refresh(),
          onEdit: () => { location.hash = `#/campaigns/${c.id}?edit=1`; },
        }),
        h('button', { type: 'button', class: 'button button-small button-link', text: 'Details →', onclick: open })));
  }

  async function refresh() {
    try {
      const result = await api(`/api/campaigns?status=${tab}&page=${page}&pageSize=${PAGE_SIZE}`);
      if (stopped) return;
      campaigns = result.items;
      total = result.total;
      error = null;
      loaded = true;
      counts = result.counts;
      for (const [key, count] of tabButtons) count.textContent = String(result.counts[key] ?? 0);
      follow();
    } catch (e) {
      if (stopped) return;
      if (!loaded || e.status !== 0) error = e; // keep the last good list while the connection is down (the banner says so)
    }
    render();
  }

  /** Live counters for the first visible running campaigns; the rest are refreshed by the poll. */
  function follow() {
    const wanted = new Set(campaigns.filter((c) => c.status === 'active').slice(0, MAX_STREAMS).map((c) => c.id));
    for (const [id, stream] of streams) {
      if (!wanted.has(id)) { stream.close(); streams.delete(id); }
    }
    for (const id of wanted) {
      if (streams.has(id)) continue;
      streams.set(id, streamEvents(id, {
        onEvent: (name, data) => {
          if (name !== 'campaign') return;
          const i = campaigns.findIndex((c) => c.id === id);
          if (i < 0) return;
          campaigns[i] = data.counters ? applyEvent(campaigns[i], data) : { ...campaigns[i], ...data };
          render();
        },
      }));
    }
  }

  await refresh();
  const timer = setInterval(refresh, POLL_MS);
  return () => {
    stopped = true;
    clearInterval(timer);
    for (const stream of streams.values()) stream.close();
  };
}

function nextCallLine(c) {
  if (c.status === 'completed' || c.status === 'cancelled') {
    return h('p', { class: 'next-call subtle', text: c.status === 'completed' ? `Finished ${fmt.date(c.updatedAt)}` : `Cancelled ${fmt.date(c.updatedAt)}` });
  }
  if (c.status === 'paused') return h('p', { class: 'next-call subtle', text: 'Paused: no calls until resumed' });
  if (!c.nextCallAt) {
    return h('p', { class: 'next-call subtle', text: c.inProgressCalls ? 'Calls in progress' : c.queuedCalls ? 'Next call: waiting for a free line' : 'No calls waiting' });
  }
  return h('p', { class: 'next-call' }, h('span', { 'aria-hidden': 'true', text: '◷ ' }), `Next call: ${fmt.when(c.nextCallAt)} (`, relativeTime(c.nextCallAt), ')');
}
