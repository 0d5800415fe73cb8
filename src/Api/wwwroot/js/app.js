// The shell: sign-in, navigation, the hash router, and the connection banner.
import { h, append, clear, tickRelativeTimes } from './dom.js';
import { api, auth, ApiError, onConnectionChange, onUnauthorized } from './api.js';
import { errorBox, loading } from './ui.js';
import { campaignsView } from './views/campaigns.js';
import { campaignView } from './views/campaign.js';
import { contactsView } from './views/contacts.js';
import { importView } from './views/import.js';
import { doNotCallView } from './views/doNotCall.js';
import { settingsView } from './views/settings.js';

const root = document.getElementById('app');
/** Who the key belongs to: { kind: 'user', me } or { kind: 'admin' }. */
let session = null;
let cleanup = null;
let main = null;
let nav = null;
let unsubscribeBanner = null;

/** The user's pages; those marked admin are also the admin key's (the system's do-not-call list, the settings). */
const userRoutes = [
  { pattern: /^\/campaigns\/(\d+)$/, view: campaignView, nav: 'campaigns' },
  { pattern: /^\/campaigns$/, view: campaignsView, nav: 'campaigns' },
  { pattern: /^\/contacts$/, view: contactsView, nav: 'contacts' },
  { pattern: /^\/do-not-call$/, view: doNotCallView, nav: 'do-not-call', admin: true },
  { pattern: /^\/import$/, view: importView, nav: 'import' },
  { pattern: /^\/settings$/, view: settingsView, nav: 'settings', admin: true },
];

function parseHash() {
  const raw = location.hash.replace(/^#/, '') || '/';
  const [path, query = ''] = raw.split('?');
  return { path, query: new URLSearchParams(query) };
}

async function route() {
  if (!session) return;
  const { path, query } = parseHash();
  const routes = session.kind === 'admin' ? userRoutes.filter((r) => r.admin) : userRoutes;
  let match = null;
  let params = [];
  for (const r of routes) {
    const m = path.match(r.pattern);
    if (m) { match = r; params = m.slice(1); break; }
  }
  if (!match) {
    location.replace(session.kind === 'admin' ? '#/settings' : '#/campaigns');
    return;
  }
  cleanup?.();
  cleanup = null;
  for (const link of nav.querySelectorAll('a[data-nav]')) {
    if (link.dataset.nav === match.nav) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  clear(main);
  window.scrollTo(0, 0);
  const container = h('div', { class: 'view' });
  append(main, container);
  try {
    cleanup = (await match.view(container, { params, query, session })) ?? null;
  } catch (e) {
    append(clear(container), errorBox(e, { retry: route }));
  }
}

function navLink(href, key, icon, label) {
  return h('a', { href, class: 'nav-link', dataset: { nav: key } }, h('span', { class: 'nav-icon', 'aria-hidden': 'true', text: icon }), h('span', { text: label }));
}

function renderShell() {
  clear(root);
  const who = session.kind === 'admin'
    ? h('div', { class: 'who' }, h('span', { class: 'avatar', 'aria-hidden': 'true', text: 'A' }), h('div', {}, h('strong', { text: 'Administrator' }), h('small', { text: 'admin key' })))
    : h('div', { class: 'who' }, h('span', { class: 'avatar', 'aria-hidden': 'true', text: (session.me.name || session.me.id).slice(0, 1).toUpperCase() }),
      h('div', {}, h('strong', { text: session.me.name || session.me.id }), h('small', { text: session.me.id })));
  nav = h('nav', { class: 'nav', 'aria-label': 'Main' },
    session.kind === 'admin'
      ? [navLink('#/settings', 'settings', '⚙', 'Settings'), navLink('#/do-not-call', 'do-not-call', '⊘', 'Do not call')]
      : [navLink('#/campaigns', 'campaigns', '☎', 'Campaigns'), navLink('#/contacts', 'contacts', '☺', 'Contacts'),
        navLink('#/do-not-call', 'do-not-call', '⊘', 'Do not call'), navLink('#/import', 'import', '⇪', 'Import CSV'),
        navLink('#/settings', 'settings', '⚙', 'Settings')]);
  const banner = h('div', { class: 'connection-banner', role: 'alert', hidden: true },
    h('span', { class: 'spinner spinner-light', 'aria-hidden': 'true' }), 'Connection lost — reconnecting…');
  unsubscribeBanner?.();
  unsubscribeBanner = onConnectionChange((online) => { banner.hidden = online; });
  main = h('main', { class: 'main', id: 'main', tabindex: '-1' });
  append(root, 
    h('a', { href: '#main', class: 'skip-link', text: 'Skip to content', onclick: (e) => { e.preventDefault(); main.focus(); } }),
    h('div', { class: 'layout' },
      h('aside', { class: 'sidebar' },
        h('a', { href: session.kind === 'admin' ? '#/settings' : '#/campaigns', class: 'brand' },
          h('span', { class: 'brand-mark', 'aria-hidden': 'true', text: '☎' }), h('span', { text: 'Call Campaigns' })),
        nav,
        h('div', { class: 'sidebar-foot' }, who,
          h('button', { type: 'button', class: 'button button-ghost button-small', onclick: signOut },
            h('span', { class: 'wide-only', text: 'Sign out / change key' }), h('span', { class: 'narrow-only', text: 'Sign out' })))),
      h('div', { class: 'content' }, banner, main)));
}

function signOut() {
  cleanup?.();
  cleanup = null;
  auth.clear();
  session = null;
  renderSignIn();
}

/** Finds out whose key it is: a user's (GET /api/me) or the admin's (/api/me is 403, /api/admin/system answers). */
async function identify(key) {
  try {
    return { kind: 'user', me: await api('/api/me', { key }) };
  } catch (e) {
    if (e instanceof ApiError && e.status === 403) {
      await api('/api/admin/system', { key });
      return { kind: 'admin' };
    }
    throw e;
  }
}

function renderSignIn(error) {
  cleanup?.();
  clear(root);
  const input = h('input', { id: 'api-key', name: 'apiKey', type: 'password', required: true, autocomplete: 'off', spellcheck: 'false', placeholder: 'cc_…' });
  const message = h('div', { class: 'signin-error' });
  if (error) append(message, errorBox(error));
  const submit = h('button', { type: 'submit', class: 'button button-primary button-block', text: 'Sign in' });
  const form = h('form', { class: 'signin-card', novalidate: true },
    h('div', { class: 'brand brand-large' }, h('span', { class: 'brand-mark', 'aria-hidden': 'true', text: '☎' }), h('span', { text: 'Call Campaigns' })),
    h('p', { class: 'lead', text: 'Call lists of people with your AI voice agent, inside the hours you choose, and watch every call as it happens.' }),
    h('label', { for: 'api-key', text: 'API key' }), input,
    h('p', { class: 'field-hint' },
      'The node prints the demo user\'s key and the admin key when it first starts; the embedded default also keeps them in ',
      h('code', { text: 'data/secrets.json' }), ' (', h('code', { text: 'src/Api/data/' }), ' after ', h('code', { text: 'dotnet run --project src/Api' }), '). Your key is remembered in this browser.'),
    message, submit);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const key = input.value.trim();
    clear(message);
    if (!key) {
      append(message, errorBox(new ApiError(400, { title: 'Enter your API key' })));
      input.focus();
      return;
    }
    submit.disabled = true;
    submit.textContent = 'Checking…';
    try {
      session = await identify(key);
      auth.set(key);
      start();
    } catch (err) {
      const shown = err instanceof ApiError && err.status === 401 ? new ApiError(401, { title: 'That key was not accepted', detail: 'Check it and try again.' }) : err;
      append(message, errorBox(shown));
      submit.disabled = false;
      submit.textContent = 'Sign in';
      input.select();
    }
  });
  append(root, h('div', { class: 'signin' }, form));
  input.focus();
}

function start() {
  renderShell();
  if (!location.hash || location.hash === '#' || location.hash === '#/') location.replace(session.kind === 'admin' ? '#/settings' : '#/campaigns');
  route();
}

async function boot() {
  const key = auth.key;
  if (!key) return renderSignIn();
  append(root, loading('Signing in…'));
  try {
    session = await identify(key);
    start();
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      auth.clear();
      renderSignIn(new ApiError(401, { title: 'Your saved key no longer works', detail: 'It may have been rotated. Enter the new one.' }));
    } else {
      append(clear(root), h('div', { class: 'signin' }, h('div', { class: 'signin-card' }, errorBox(e, { retry: () => { clear(root); boot(); } }),
        h('button', { type: 'button', class: 'button button-ghost', text: 'Use another key', onclick: signOut }))));
    }
  }
}

onUnauthorized(() => {
  if (!session) return;
  auth.clear();
  session = null;
  renderSignIn(new ApiError(401, { title: 'Signed out', detail: 'The key stopped working (it may have been rotated). Enter the new one.' }));
});

window.addEventListener('hashchange', route);
setInterval(() => tickRelativeTimes(), 15_000);
boot();
