// The public HTTP API (API.md), with the key in localStorage, problem details as errors, and live event streams.

const KEY_STORAGE = 'callCampaigns.apiKey';

export const auth = {
  get key() {
    return localStorage.getItem(KEY_STORAGE);
  },
  set(key) {
    localStorage.setItem(KEY_STORAGE, key);
  },
  clear() {
    localStorage.removeItem(KEY_STORAGE);
  },
};

/** An answer that was not 2xx (or no answer at all: status 0), with its RFC 9457 problem details. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `Request failed (${status})`);
    this.status = status;
    this.problem = problem ?? {};
  }

  get title() {
    return this.problem.title || (this.status === 0 ? 'Connection lost' : `Error ${this.status}`);
  }

  get detail() {
    return this.problem.detail || '';
  }

  /** Field -> messages, for validation problems. */
  get fieldErrors() {
    return this.problem.errors ?? {};
  }
}

// ---------- connection state (shown as a banner by the shell) ----------

const offline = new Set();
const connectionListeners = new Set();

export function onConnectionChange(listener) {
  connectionListeners.add(listener);
  return () => connectionListeners.delete(listener);
}

export function setReachable(source, reachable) {
  const before = offline.size;
  if (reachable) offline.delete(source);
  else offline.add(source);
  if (before !== offline.size) for (const listener of connectionListeners) listener(offline.size === 0);
}

const unauthorizedListeners = new Set();
export function onUnauthorized(listener) {
  unauthorizedListeners.add(listener);
}

/**
 * Calls the API. Options: method, json (a body sent as JSON), form (FormData), key (another key than the stored
 * one), raw (return the Response). Throws ApiError.
 */
export async function api(path, { method = 'GET', json, form, key, raw = false, signal } = {}) {
  const headers = { Accept: 'application/json' };
  const token = key ?? auth.key;
  if (token) headers.Authorization = `Bearer ${token}`;
  let body;
  if (json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(json);
  } else if (form) body = form;

  let response;
  try {
    response = await fetch(path, { method, headers, body, signal });
  } catch (e) {
    if (e?.name === 'AbortError') throw e;
    setReachable('api', false);
    throw new ApiError(0, { title: 'Connection lost', detail: 'The server cannot be reached. Check that the node is running.' });
  }
  setReachable('api', true);

  if (!response.ok) {
    let problem;
    const text = await response.text().catch(() => '');
    try {
      problem = text ? JSON.parse(text) : null;
    } catch {
      problem = null;
    }
    problem ??= { title: response.statusText || `Error ${response.status}` };
    if (!problem.detail) problem.detail = statusDetail(response.status);
    if (response.status === 401 && key === undefined) for (const listener of unauthorizedListeners) listener();
    throw new ApiError(response.status, problem);
  }

  if (raw) return response;
  if (response.status === 204) return null;
  const text = await response.text();
  return text ? JSON.parse(text) : null;
}

/**
 * Sends a form with XMLHttpRequest, whose upload progress fetch cannot report: onUpload({ loaded, total }) while the
 * body goes out, onSent() once it is all sent (the server is then working on it). Answers as api() does.
 */
export function upload(path, form, { onUpload = () => {}, onSent = () => {} } = {}) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    xhr.setRequestHeader('Accept', 'application/json');
    if (auth.key) xhr.setRequestHeader('Authorization', `Bearer ${auth.key}`);
    xhr.upload.addEventListener('progress', (e) => { if (e.lengthComputable) onUpload({ loaded: e.loaded, total: e.total }); });
    xhr.upload.addEventListener('load', () => onSent());
    xhr.addEventListener('error', () => {
      setReachable('api', false);
      reject(new ApiError(0, { title: 'Connection lost', detail: 'The server cannot be reached. Check that the node is running.' }));
    });
    xhr.addEventListener('load', () => {
      setReachable('api', true);
      let body = null;
      try {
        body = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {
        body = null;
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve(body);
        return;
      }
      const problem = body ?? { title: xhr.statusText || `Error ${xhr.status}` };
      if (!problem.detail) problem.detail = statusDetail(xhr.status);
      if (xhr.status === 401) for (const listener of unauthorizedListeners) listener();
      reject(new ApiError(xhr.status, problem));
    });
    xhr.send(form);
  });
}

function statusDetail(status) {
  switch (status) {
    case 401: return 'The API key was not accepted.';
    case 403: return 'This key may not do that.';
    case 404: return 'Not found.';
    case 405: return 'This server does not offer that operation yet.';
    case 409: return 'Not allowed in the current state.';
    default: return status >= 500 ? 'The server had a problem; try again.' : '';
  }
}

/** Downloads an authenticated file (e.g. an import's errors.csv) through a blob URL. */
export async function download(path, fileName) {
  const response = await api(path, { raw: true, json: undefined });
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * Follows a campaign's server-sent events with fetch (EventSource cannot send the key), reconnecting with backoff.
 * onEvent(name, data); onState('connecting' | 'open' | 'reconnecting'). Returns { close() }.
 */
export function streamEvents(campaignId, { onEvent, onState = () => {} }) {
  const source = `events:${campaignId}:${Math.random().toString(36).slice(2)}`;
  let controller = null;
  let closed = false;
  let attempt = 0;
  let retryTimer = null;

  async function connect() {
    if (closed) return;
    controller = new AbortController();
    onState(attempt === 0 ? 'connecting' : 'reconnecting');
    try {
      const response = await fetch(`/api/campaigns/${campaignId}/events`, {
        headers: { Authorization: `Bearer ${auth.key}`, Accept: 'text/event-stream' },
        signal: controller.signal,
        cache: 'no-store',
      });
      if (response.status === 401 || response.status === 404) {
        closed = true; // Not coming back: the key or the campaign is gone.
        if (response.status === 401) for (const listener of unauthorizedListeners) listener();
        onState('closed');
        return;
      }
      if (!response.ok || !response.body) throw new Error(`events answered ${response.status}`);
      attempt = 0;
      setReachable(source, true);
      onState('open');
      await readStream(response.body, onEvent);
      throw new Error('stream ended');
    } catch (e) {
      if (closed) return;
      attempt++;
      setReachable(source, false);
      onState('reconnecting');
      const delay = Math.min(15_000, 500 * 2 ** Math.min(attempt, 5)) * (0.8 + Math.random() * 0.4);
      retryTimer = setTimeout(connect, delay);
    }
  }

  connect();
  return {
    close() {
      closed = true;
      clearTimeout(retryTimer);
      controller?.abort();
      setReachable(source, true);
    },
  };
}

async function readStream(body, onEvent) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let boundary;
    while ((boundary = buffer.search(/\r?\n\r?\n/)) >= 0) {
      const block = buffer.slice(0, boundary);
      buffer = buffer.slice(boundary + (buffer[boundary] === '\r' ? 4 : 2));
      dispatch(block, onEvent);
    }
  }
}

function dispatch(block, onEvent) {
  let name = 'message';
  const data = [];
  for (const line of block.split(/\r?\n/)) {
    if (!line || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') name = value;
    else if (field === 'data') data.push(value);
  }
  if (data.length === 0) return;
  try {
    onEvent(name, JSON.parse(data.join('\n')));
  } catch {
    // A malformed event is skipped; the next refresh catches up.
  }
}
