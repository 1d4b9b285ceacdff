// Kurashi Gateway staff console: plain ES modules, no build step (api, dom, state, login, live, router, queue, case,
// panels, reports, audit, complaints, record, overview). Resident text is only ever put into the page with textContent.
import { state, t } from './state.js';
import { $ } from './dom.js';
import { api } from './api.js';
import { loggedIn, showLogin } from './login.js';
import { route } from './router.js';

function labels() {
  document.documentElement.lang = state.lang;
  $('title').textContent = t().title;
  $('nav-queue').textContent = t().queue;
  $('nav-overview').textContent = t().offices;
  $('nav-reports').textContent = t().reports;
  $('nav-audit').textContent = t().audit;
  $('nav-complaints').textContent = t().complaints;
  $('sound-label').textContent = t().sound;
  $('lang').textContent = t().switchTo;
  $('logout').textContent = t().logout;
}

$('lang').addEventListener('click', () => { state.lang = state.lang === 'ja' ? 'en' : 'ja'; localStorage.setItem('kg-lang', state.lang); labels(); route(); });
// The stream is closed first: the server ends it at logout, and its session-ended must not say "your session has ended".
$('logout').addEventListener('click', async () => {
  state.events?.close(); state.events = null;
  await api('POST', '/logout', {}); state.csrf = null; showLogin();
});
window.addEventListener('hashchange', () => { if (state.csrf) route(); });

labels();
api('GET', '/session').then((r) => {
  if (r.status === 200) loggedIn(r.data);
}).catch(() => {});

