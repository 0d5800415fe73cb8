// Pause / resume / edit / cancel / delete, offered only where the API allows the move.
import { h } from './dom.js';
import { api } from './api.js';
import { confirmAction, toast, busy } from './ui.js';

const RUNNING = ['active', 'scheduled'];
const FINAL = ['completed', 'cancelled'];

/** The moves open to a campaign in its status (as the API allows them). */
export function allowedMoves(c) {
  return {
    pause: RUNNING.includes(c.status),
    resume: c.status === 'paused',
    edit: !FINAL.includes(c.status),
    cancel: !FINAL.includes(c.status),
    delete: !RUNNING.includes(c.status),
  };
}

/**
 * The action buttons of a campaign. onChanged(campaign | null) is called with the new campaign after a move
 * (null after a delete). onEdit() opens the settings.
 */
export function campaignActions(campaign, { onChanged, onEdit, labels = true }) {
  const moves = allowedMoves(campaign);
  const name = campaign.name;
  const buttons = [];
  const action = (label, icon, className, handler, title) => {
    const button = h('button', { type: 'button', class: `button button-small ${className}`, title: title ?? `${label} “${name}”`, 'aria-label': `${label} ${name}` },
      h('span', { 'aria-hidden': 'true', text: icon }), labels ? h('span', { text: label }) : null);
    button.addEventListener('click', (e) => {
      e.preventDefault();
      e.stopPropagation();
      handler(button);
    });
    buttons.push(button);
    return button;
  };
  const move = (verb, done) => async (button) => {
    try {
      const updated = await busy(button, '…', () => api(`/api/campaigns/${campaign.id}/${verb}`, { method: 'POST' }));
      toast(`“${name}” ${done}.`, 'success');
      onChanged?.(updated);
    } catch (e) {
      toast(`${e.title ?? 'Error'}: ${e.detail || e.message}`, 'error');
      onChanged?.(undefined);
    }
  };

  if (moves.pause) action('Pause', '❚❚', 'button-ghost', move('pause', 'paused'));
  if (moves.resume) action('Resume', '▶', 'button-ghost', move('resume', 'resumed'));
  if (moves.edit && onEdit) action('Edit', '✎', 'button-ghost', () => onEdit());
  if (moves.cancel) {
    action('Cancel', '⊘', 'button-ghost', async (button) => {
      const ok = await confirmAction({ title: 'Cancel this campaign?', message: `“${name}” will place no more calls; calls already in progress finish. This cannot be undone.`, confirm: 'Cancel campaign', danger: true });
      if (ok) await move('cancel', 'cancelled')(button);
    });
  }
  if (moves.delete) {
    const deleteButton = action('Delete', '✕', 'button-ghost button-danger-text', async (button) => {
      const ok = await confirmAction({ title: 'Delete this campaign?', message: `“${name}” and its call history will be removed for good.`, confirm: 'Delete', danger: true });
      if (!ok) return;
      try {
        await busy(button, '…', () => api(`/api/campaigns/${campaign.id}`, { method: 'DELETE' }));
        toast(`“${name}” deleted.`, 'success');
        onChanged?.(null);
      } catch (e) {
        toast(`${e.title ?? 'Error'}: ${e.detail || e.message}`, 'error');
      }
    });
    if (campaign.inProgressCalls > 0) {
      deleteButton.disabled = true;
      deleteButton.title = 'Calls are still in progress: delete it once they end.';
    }
  }
  return h('div', { class: 'actions' }, buttons);
}

/**
 * The action buttons of one campaign, kept across live re-renders: they are rebuilt only when the moves open to the
 * campaign change, so a click that lands while an update redraws the card or the head is not lost.
 */
export function keptActions() {
  let key = null;
  let element = null;
  return (campaign, options) => {
    const next = JSON.stringify([campaign.id, campaign.name, campaign.inProgressCalls > 0, allowedMoves(campaign), options.labels ?? true]);
    if (next !== key) { key = next; element = campaignActions(campaign, options); }
    return element;
  };
}

/** Applies the counters of a live "campaign" event to a campaign object. */
export function applyEvent(campaign, event) {
  const next = { ...campaign };
  if (event.status) next.status = event.status;
  const c = event.counters;
  if (c) {
    next.totalContacts = c.totalContacts;
    next.queuedCalls = c.queued;
    next.inProgressCalls = c.inProgress;
    next.successfulCalls = c.successful;
    next.failedCalls = c.failed;
    next.cancelledCalls = c.cancelled;
    next.completedCalls = c.successful + c.failed;
    next.nextCallAt = c.nextCallAt;
  }
  return next;
}

/** Done / total, counting ended and cancelled items as done. */
export function progressOf(c) {
  const done = (c.completedCalls ?? 0) + (c.cancelledCalls ?? 0);
  const total = c.totalContacts ?? 0;
  return { done, total, ratio: total ? done / total : 0 };
}
