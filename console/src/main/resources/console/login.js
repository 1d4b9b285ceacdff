// Login, the first-login steps (own password, authenticator app) and what starts once they are done.
import { state, t } from './state.js';
import { $, el } from './dom.js';
import { api, whenUnauthenticated } from './api.js';
import { listen } from './live.js';
import { route } from './router.js';

// The session is over (idle, expired, logged out elsewhere, account closed): back to the login screen, saying why.
function sessionEnded(error) {
  const wasIn = state.csrf !== null;
  state.csrf = null;
  if (state.events) { state.events.close(); state.events = null; }
  const why = { session_idle: t().sessionIdle, session_expired: t().sessionExpired }[error];
  showLogin(why || (wasIn ? t().sessionEnded : ''));
}

whenUnauthenticated(sessionEnded);

export function showLogin(message) {
  $('nav').hidden = true;
  const error = el('p', { class: 'error', role: 'alert', text: message || '' });
  // The code field appears only once the server says this account has a second factor.
  const codeLabel = el('label', { for: 'code', text: t().totpCode, hidden: true });
  const code = el('input', { id: 'code', name: 'code', type: 'text', inputmode: 'numeric', autocomplete: 'one-time-code', hidden: true });
  const form = el('form', { class: 'card stack', onsubmit: async (e) => {
    e.preventDefault();
    const body = { login: form.login.value, password: form.password.value };
    if (!code.hidden && code.value) body.code = code.value;
    const r = await api('POST', '/login', body);
    if (r.status === 401 && r.data?.error === 'totp_required') {
      codeLabel.hidden = false; code.hidden = false; code.focus();
      error.textContent = r.data.message; return;
    }
    if (r.status !== 200) { error.textContent = r.data?.message || t().loginFailed; return; }
    await loggedIn(r.data);
  } },
  el('h2', { text: t().login }),
  el('label', { for: 'login', text: t().loginId }), el('input', { id: 'login', name: 'login', type: 'text', autocomplete: 'username', required: true }),
  el('label', { for: 'password', text: t().password }), el('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true }),
  codeLabel, code,
  el('p', {}, el('button', { class: 'primary', type: 'submit', text: t().login })), error);
  $('main').replaceChildren(form);
  $('login').focus();
}

// A session whose account still owes a first-login step (its own password, then an authenticator app where
// its role needs one) may do nothing else on the server, so the console shows only that step.
export async function loggedIn(data) {
  state.csrf = data.csrfToken; state.staff = data.staff; state.pending = data.pending || null;
  if (data.pending === 'password_change_required') showPasswordChange();
  else if (data.pending === 'totp_enrolment_required') await showTotpSetup();
  else await start();
}

async function afterStep() {
  const r = await api('GET', '/session');
  if (r.status === 200) await loggedIn(r.data);
}

function showPasswordChange() {
  $('nav').hidden = true;
  const error = el('p', { class: 'error', role: 'alert' });
  const field = (id, label, autocomplete) => [el('label', { for: id, text: label }),
    el('input', { id, name: id, type: 'password', autocomplete, required: true, minlength: id === 'current-password' ? undefined : 12 })];
  const form = el('form', { class: 'card stack', onsubmit: async (e) => {
    e.preventDefault();
    if (form['new-password'].value !== form['confirm-password'].value) { error.textContent = t().passwordsDiffer; return; }
    const r = await api('POST', '/password', { current: form['current-password'].value, new: form['new-password'].value });
    if (r.status !== 204) { error.textContent = r.data?.message || String(r.status); return; }
    await afterStep();
  } },
  el('h2', { text: t().changePassword }), el('p', { text: t().changePasswordFirst }),
  ...field('current-password', t().currentPassword, 'current-password'),
  ...field('new-password', t().newPassword, 'new-password'),
  ...field('confirm-password', t().confirmPassword, 'new-password'),
  el('p', {}, el('button', { class: 'primary', type: 'submit', text: t().changePassword })), error);
  $('main').replaceChildren(form);
  $('current-password').focus();
}

async function showTotpSetup() {
  $('nav').hidden = true;
  const setup = await api('POST', '/totp/setup', {});
  const error = el('p', { class: 'error', role: 'alert', text: setup.status === 200 ? '' : setup.data?.message || String(setup.status) });
  const form = el('form', { class: 'card stack', onsubmit: async (e) => {
    e.preventDefault();
    const r = await api('POST', '/totp/enable', { code: form['totp-code'].value });
    if (r.status !== 204) { error.textContent = r.data?.message || String(r.status); return; }
    await afterStep();
  } },
  el('h2', { text: t().totpSetup }), el('p', { text: t().totpSetupFirst }),
  el('p', {}, el('span', { text: `${t().totpSecret}: ` }), el('code', { id: 'totp-secret', text: setup.data?.secret || '' })),
  el('p', {}, el('code', { id: 'totp-uri', text: setup.data?.uri || '' })),
  el('label', { for: 'totp-code', text: t().totpCode }),
  el('input', { id: 'totp-code', name: 'totp-code', type: 'text', inputmode: 'numeric', autocomplete: 'one-time-code', required: true }),
  el('p', {}, el('button', { class: 'primary', type: 'submit', text: t().totpEnable })), error);
  $('main').replaceChildren(form);
  $('totp-code').focus();
}

async function start() {
  const [c, meta] = await Promise.all([api('GET', '/categories'), api('GET', '/meta')]);
  state.categories = c.data.items;
  state.enums = meta.data.enums;
  state.channelNames = meta.data.channels;
  // Whose desk this is: one deployment may serve several offices (OFFICES_FILE).
  state.office = meta.data.office || null;
  $('office').textContent = state.office ? state.office.name : '';
  $('office').title = state.office ? state.office.nameEn : '';
  $('office').hidden = !state.office;
  $('nav').hidden = false;
  $('who').textContent = `${state.staff.displayName} (${state.staff.role})`;
  const operator = state.staff.role === 'operator';
  $('nav-queue').hidden = operator;
  $('nav-overview').hidden = !operator;
  $('sound').closest('label').hidden = operator; // no live events, nothing to sound for
  $('nav-reports').hidden = !['chief', 'admin', 'operator'].includes(state.staff.role);
  $('nav-audit').hidden = state.staff.role !== 'chief';
  $('nav-complaints').hidden = !['chief', 'consultant'].includes(state.staff.role);
  // The operator gets no live events: they are about cases.
  if (!operator) listen();
  route();
}
