// Kurashi Gateway staff console: plain ES modules, no build step. Resident text is only ever put into
// the page with textContent, never as HTML.
import { TEXTS } from './i18n.js';

const state = { lang: localStorage.getItem('kg-lang') || 'ja', csrf: null, staff: null, categories: [],
  queue: [], queueNext: null, queueCounts: {}, queueTotal: 0, channels: [], selected: 0, events: null, typingTimer: null, lastTyping: 0 };
const t = () => TEXTS[state.lang];
// A category's label in the console's language (Japanese first; the code itself for one the server no longer knows).
const category = (code) => { const c = state.categories.find((i) => i.code === code);
  return c ? (state.lang === 'en' && c.labelEn) || c.label : code; };
const $ = (id) => document.getElementById(id);

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'text') node.textContent = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) if (c) node.append(c);
  return node;
}

// background: a request the console makes by itself (a refresh after a live event). The server does not count it
// as the user's activity, so a console left open on a shared PC still logs out after SESSION_IDLE_MINUTES.
async function api(method, path, body, background) {
  const headers = { 'Content-Type': 'application/json' };
  if (method !== 'GET' && state.csrf) headers['X-CSRF-Token'] = state.csrf;
  if (background) headers['X-Kurashi-Background'] = '1';
  const res = await fetch('/api' + path, { method, headers, credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body) });
  const data = res.headers.get('Content-Type')?.includes('json') ? await res.json() : null;
  if (res.status === 401 && path !== '/login') { sessionEnded(data?.error); throw new Error('unauthenticated'); }
  return { status: res.status, data };
}

// The session is over (idle, expired, logged out elsewhere, account closed): back to the login screen, saying why.
function sessionEnded(error) {
  const wasIn = state.csrf !== null;
  state.csrf = null;
  if (state.events) { state.events.close(); state.events = null; }
  const why = { session_idle: t().sessionIdle, session_expired: t().sessionExpired }[error];
  showLogin(why || (wasIn ? t().sessionEnded : ''));
}

function labels() {
  document.documentElement.lang = state.lang;
  $('title').textContent = t().title;
  $('nav-queue').textContent = t().queue;
  $('nav-reports').textContent = t().reports;
  $('nav-audit').textContent = t().audit;
  $('nav-complaints').textContent = t().complaints;
  $('sound-label').textContent = t().sound;
  $('lang').textContent = t().switchTo;
  $('logout').textContent = t().logout;
}

function showLogin(message) {
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
async function loggedIn(data) {
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
  const c = await api('GET', '/categories');
  state.categories = c.data.items;
  $('nav').hidden = false;
  $('who').textContent = `${state.staff.displayName} (${state.staff.role})`;
  $('nav-reports').hidden = !['chief', 'admin'].includes(state.staff.role);
  $('nav-audit').hidden = state.staff.role !== 'chief';
  $('nav-complaints').hidden = !['chief', 'consultant'].includes(state.staff.role);
  listen();
  route();
}

function listen() {
  if (state.events) state.events.close();
  state.events = new EventSource('/api/events');
  const refresh = (e) => {
    const data = JSON.parse(e.data);
    if (location.hash.startsWith('#/queue') || location.hash === '') loadQueue(true);
    else if (location.hash === `#/case/${data.caseId}`) openCase(data.caseId, true, true);
  };
  // The server ends the stream when the session ends; asking for the session shows the login screen and why.
  state.events.addEventListener('session-ended', () => {
    if (state.events) { state.events.close(); state.events = null; }
    api('GET', '/session', undefined, true).catch(() => {});
  });
  ['message.received', 'message.queued', 'message.sent', 'message.failed', 'case.triaged', 'case.claimed', 'case.assigned',
    'case.closed', 'case.reopened', 'case.merged', 'case.linked', 'complaint.recorded', 'handoff.created', 'reply.retried',
    'note.added'].forEach((type) =>
    state.events.addEventListener(type, refresh));
  state.events.addEventListener('case.crisis', (e) => {
    const data = JSON.parse(e.data);
    const alert = $('alert');
    alert.replaceChildren(el('span', { text: `${t().crisisAlert}: ` }), el('a', { href: `#/case/${data.caseId}`, text: `KS-${data.caseId}` }));
    alert.hidden = false;
    if ($('sound').checked) beep();
    refresh(e);
  });
  state.events.addEventListener('typing.resident', (e) => {
    const data = JSON.parse(e.data);
    const note = document.getElementById(`typing-${data.caseId}`);
    if (note) { note.textContent = t().typingResident; setTimeout(() => { note.textContent = ''; }, 4000); }
  });
}

function beep() {
  try {
    const ctx = new AudioContext(); const osc = ctx.createOscillator();
    osc.frequency.value = 880; osc.connect(ctx.destination); osc.start(); osc.stop(ctx.currentTime + 0.4);
  } catch (e) { /* sound is optional */ }
}

// Each page load takes a ticket; a load whose answer arrives after a newer load started draws nothing, so a
// slow answer (the queue fetched at login) never replaces the page the user has since moved to.
let viewTicket = 0;
function takeTicket() {
  const mine = ++viewTicket;
  return () => mine === viewTicket;
}

function route() {
  if (state.pending) return; // the server allows nothing but the first-login step
  const m = location.hash.match(/^#\/case\/(\d+)/);
  if (m) openCase(Number(m[1]));
  else if (location.hash.startsWith('#/reports')) loadReports();
  else if (location.hash.startsWith('#/audit')) loadAudit();
  else if (location.hash.startsWith('#/complaints')) loadComplaints();
  else if (location.hash.startsWith('#/record')) showRecordForm();
  else loadQueue();
}

function loadChartJs() {
  if (window.Chart) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const s = document.createElement('script');
    s.src = '/console/webjars/chart.js/4.5.1/dist/chart.umd.js';
    s.onload = resolve; s.onerror = reject;
    document.head.append(s);
  });
}

// The chief's view of the audit log: who read or tried to read which case, when, from where.
async function loadAudit() {
  const current = takeTicket();
  const caseId = sessionStorage.getItem('kg-audit-case') || '';
  const r = await api('GET', `/audit${caseId ? '?caseId=' + encodeURIComponent(caseId) : ''}`);
  if (!current()) return;
  if (r.status !== 200) { $('main').replaceChildren(el('p', { class: 'error', text: r.data?.message || String(r.status) })); return; }
  const filter = el('input', { type: 'number', id: 'audit-case', value: caseId, min: 1, 'aria-label': t().auditCase,
    onchange: (e) => { sessionStorage.setItem('kg-audit-case', e.target.value); loadAudit(); } });
  const rows = r.data.items.map((a) => el('tr', {}, el('td', { text: new Date(a.at).toLocaleString(state.lang) }),
    el('td', { text: a.login || '—' }), el('td', { text: a.caseId ? `KS-${a.caseId}` : '—' }), el('td', { text: a.action }),
    el('td', { text: a.allowed ? '○' : t().refused }), el('td', { text: a.remoteAddr || '' })));
  $('main').replaceChildren(el('section', { class: 'card' },
    el('div', { class: 'row' }, el('h2', { text: t().audit }), el('label', { for: 'audit-case', text: t().auditCase }), filter,
      el('a', { href: `/api/audit.csv${caseId ? '?caseId=' + encodeURIComponent(caseId) : ''}`, text: 'CSV' })),
    el('table', { 'aria-label': t().audit }, el('thead', {}, el('tr', {}, ...[t().when, t().loginId, 'No.', t().action, t().allowed, 'IP']
      .map((h) => el('th', { scope: 'col', text: h })))), el('tbody', {}, rows))));
}

// The complaints register (苦情受付簿): anyone who takes a complaint records it; the chief (or whom the chief
// names) answers for it, records the response and closes it.
const COMPLAINT_CHANNELS = ['phone', 'walk_in', 'webchat', 'line', 'mail', 'letter', 'other'];
async function loadComplaints() {
  const current = takeTicket();
  const r = await api('GET', '/complaints');
  if (!current()) return;
  if (r.status !== 200) { $('main').replaceChildren(el('p', { class: 'error', text: r.data?.message || String(r.status) })); return; }
  const error = el('p', { class: 'error', role: 'alert' });
  const local = (d) => new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
  const form = el('form', { class: 'stack', 'aria-label': t().recordComplaint, onsubmit: async (e) => {
    e.preventDefault();
    const body = { receivedAt: new Date(form.receivedAt.value).toISOString(), channel: form.channel.value, summary: form.summary.value };
    if (form.caseId.value) body.caseId = Number(form.caseId.value);
    const saved = await api('POST', '/complaints', body);
    if (saved.status !== 201) { error.textContent = saved.data?.message || String(saved.status); return; }
    loadComplaints();
  } },
  el('label', { for: 'complaint-received', text: t().complaintReceived }),
  el('input', { id: 'complaint-received', name: 'receivedAt', type: 'datetime-local', required: true, value: local(new Date()) }),
  el('label', { for: 'complaint-channel', text: t().channel }),
  el('select', { id: 'complaint-channel', name: 'channel' }, ...COMPLAINT_CHANNELS.map((c) => el('option', { value: c, text: t().complaintChannels[c] }))),
  el('label', { for: 'complaint-case', text: t().complaintCase }),
  el('input', { id: 'complaint-case', name: 'caseId', type: 'number', min: 1 }),
  el('label', { for: 'complaint-summary', text: t().complaintSummary }),
  el('textarea', { id: 'complaint-summary', name: 'summary', required: true, maxlength: 10000 }),
  el('p', {}, el('button', { class: 'primary', type: 'submit', text: t().recordComplaint })), error);
  const entry = (c) => {
    const mayAnswer = state.staff.role === 'chief' || c.responsibleId === state.staff.id;
    const response = el('textarea', { 'aria-label': t().complaintResponse, maxlength: 10000, text: c.response || '' });
    const closedOn = el('input', { type: 'date', 'aria-label': t().complaintClosedOn, value: c.closedOn || '' });
    const save = async () => {
      const body = { response: response.value };
      if (closedOn.value) body.closedOn = closedOn.value; else if (c.closedOn) body.reopen = true;
      const saved = await api('PATCH', `/complaints/${c.id}`, body);
      if (saved.status !== 200) { error.textContent = saved.data?.message || String(saved.status); return; }
      loadComplaints();
    };
    return el('tr', { 'data-complaint': c.id },
      el('td', { text: new Date(c.receivedAt).toLocaleString(state.lang) }),
      el('td', { text: t().complaintChannels[c.channel] || c.channel }),
      el('td', {}, c.caseId ? el('a', { href: `#/case/${c.caseId}`, text: `KS-${c.caseId}` }) : '—'),
      el('td', { class: 'msg', text: c.summary }),
      el('td', { text: c.responsibleName }),
      el('td', { text: c.status === 'closed' ? `${t().complaintClosed} ${c.closedOn}` : t().complaintOpen }),
      el('td', {}, mayAnswer ? el('div', { class: 'stack' }, response, closedOn,
        el('button', { class: 'secondary', type: 'button', text: t().save, onclick: save })) : el('span', { text: c.response || '' })));
  };
  $('main').replaceChildren(
    el('section', { class: 'card' }, el('h2', { text: t().complaints }), el('p', { class: 'meta', text: t().complaintsHelp }), form),
    el('section', { class: 'card' }, el('table', { 'aria-label': t().complaints },
      el('thead', {}, el('tr', {}, ...[t().complaintReceived, t().channel, 'No.', t().complaintSummary, t().complaintResponsible,
        t().complaintStatus, t().complaintResponse].map((h) => el('th', { scope: 'col', text: h })))),
      el('tbody', {}, r.data.items.map(entry)))));
}

// The city's monthly report: the table staff send, two charts, and the CSV exports.
async function loadReports() {
  const current = takeTicket();
  const now = new Date();
  const fy = Number(sessionStorage.getItem('kg-fy')) || (now.getMonth() >= 3 ? now.getFullYear() : now.getFullYear() - 1);
  const r = await api('GET', `/reports/monthly?fy=${fy}`);
  if (!current()) return;
  if (r.status !== 200) { $('main').replaceChildren(el('p', { class: 'error', text: r.data?.message || String(r.status) })); return; }
  const rep = r.data;
  const year = el('input', { type: 'number', id: 'fy', value: fy, min: 2000, max: 2100, 'aria-label': t().fiscalYear,
    onchange: (e) => { sessionStorage.setItem('kg-fy', e.target.value); loadReports(); } });
  const months = rep.months;
  const head = el('tr', {}, el('th', { scope: 'col', text: t().month }), el('th', { scope: 'col', text: t().newCases }),
    ...Object.keys(months[0].byChannel).map((c) => el('th', { scope: 'col', text: c })),
    el('th', { scope: 'col', text: t().handoffsTotal }), el('th', { scope: 'col', text: t().medianResponse }));
  const line = (label, m) => el('tr', {}, el('th', { scope: 'row', text: label }), el('td', { text: String(m.newCases) }),
    ...Object.values(m.byChannel).map((v) => el('td', { text: String(v) })),
    el('td', { text: String(Object.values(m.handoffs).reduce((a, b) => a + b, 0)) }),
    el('td', { text: m.medianFirstResponseMinutes == null ? '—' : String(m.medianFirstResponseMinutes) }));
  const table = el('table', { 'aria-label': t().reports }, el('thead', {}, head),
    el('tbody', {}, months.map((m) => line(m.month, m)), line(t().total, rep.total)));
  // The other figures the city asks for: routes staff recorded, referrals, milestones, complaints, follow-ups.
  const sumOf = (o, keys) => keys.reduce((n, k) => n + (o[k] || 0), 0);
  const cityCols = [
    [t().cityRoutes, (m) => sumOf(m.byRoute, ['phone', 'walk_in', 'outreach', 'referral'])],
    [t().cityReferred, (m) => sumOf(m.byReferralSource, ['agency', 'neighbour', 'ward_office'])],
    [t().cityAssessments, (m) => m.milestones.assessment],
    [t().cityPlans, (m) => m.milestones.plan + m.milestones.replan],
    [t().cityEvaluations, (m) => m.milestones.evaluation],
    [t().cityComplaintsIn, (m) => m.complaints.received],
    [t().cityComplaintsClosed, (m) => m.complaints.closed],
    [t().cityFollowUps, (m) => sumOf(m.followUps, Object.keys(m.followUps))]];
  const cityLine = (label, m) => el('tr', {}, el('th', { scope: 'row', text: label }), ...cityCols.map(([, f]) => el('td', { text: String(f(m)) })));
  const cityTable = el('table', { 'aria-label': t().cityFigures, 'data-testid': 'city-figures' },
    el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: t().month }), ...cityCols.map(([h]) => el('th', { scope: 'col', text: h })))),
    el('tbody', {}, months.map((m) => cityLine(m.month, m)), cityLine(t().total, rep.total)));
  const byMonth = el('canvas', { id: 'chart-months', 'aria-label': t().newCases, role: 'img' });
  const byCategory = el('canvas', { id: 'chart-categories', 'aria-label': t().categories, role: 'img' });
  $('main').replaceChildren(el('section', { class: 'card' },
    el('div', { class: 'row' }, el('h2', { text: t().reports }), year,
      el('a', { href: `/api/reports/monthly.csv?fy=${fy}`, text: 'CSV (UTF-8)' }),
      el('a', { href: `/api/reports/monthly.csv?fy=${fy}&encoding=shift_jis`, text: 'CSV (Shift_JIS)' })),
    table), el('section', { class: 'card' }, el('h3', { text: t().cityFigures }), cityTable),
    el('section', { class: 'card' }, byMonth), el('section', { class: 'card' }, byCategory));
  try {
    await loadChartJs();
    const channels = Object.keys(months[0].byChannel);
    new window.Chart(byMonth, { type: 'bar', data: { labels: months.map((m) => m.month),
      datasets: channels.map((c) => ({ label: c, data: months.map((m) => m.byChannel[c]) })) },
      options: { animation: false, scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } } });
    const cats = Object.entries(rep.total.byCategory).filter(([, n]) => n > 0);
    new window.Chart(byCategory, { type: 'bar', data: { labels: cats.map(([k]) => category(k)),
      datasets: [{ label: t().categories, data: cats.map(([, n]) => n) }] }, options: { animation: false, indexAxis: 'y' } });
  } catch (e) { /* the table and the CSV work without the charts */ }
}

function waited(iso) {
  if (!iso) return { text: '—', minutes: 0 };
  const minutes = Math.max(0, Math.round((Date.now() - new Date(iso).getTime()) / 60000));
  const text = minutes < 60 ? `${minutes}${t().minutes}` : minutes < 1440 ? `${Math.floor(minutes / 60)}${t().hours}`
    : `${Math.floor(minutes / 1440)}${t().days}`;
  return { text, minutes };
}

// First-response deadline: a crisis at once, urgent within the hour, normal within the working day.
function deadline(c, minutes) {
  const limit = c.urgency === 'crisis' ? 0 : c.urgency === 'urgent' ? 60 : 8 * 60;
  if (c.assigneeId) return 'fine';
  return minutes > limit ? 'late' : minutes > limit / 2 ? 'soon' : 'fine';
}

// The queue comes in pages, most pressing first (a crisis is always on the first); counts are the whole queue's.
const QUEUE_PAGE = 100;

async function loadQueue(background) {
  const current = takeTicket();
  if (location.hash !== '#/queue') history.replaceState(null, '', '#/queue');
  // A live refresh keeps as many rows as were shown (up to the 500 one page may hold), so "show more" is not undone.
  const limit = Math.min(500, Math.max(QUEUE_PAGE, state.queue.length));
  const r = await api('GET', `/cases?status=open&limit=${limit}${followUpFilter()}`, undefined, background);
  const channels = (await api('GET', '/channels', undefined, background)).data.items;
  if (!current()) return;
  Object.assign(state, { queue: r.data.items, queueNext: r.data.next, queueCounts: r.data.counts,
    queueTotal: r.data.total, followUpsDue: r.data.followUpsDue, channels });
  renderQueue();
}

// The follow-ups due are asked of the server (today is the desk's day, Japan time), not filtered from the page shown.
const followUpFilter = () => (sessionStorage.getItem('kg-filter') === 'followUp' ? '&followUp=due' : '');
const routeLabel = (code) => t().routes[code] || code;

async function moreQueue() {
  const current = takeTicket();
  const r = await api('GET', `/cases?status=open&limit=${QUEUE_PAGE}&after=${encodeURIComponent(state.queueNext)}${followUpFilter()}`);
  if (!current() || r.status !== 200) return;
  Object.assign(state, { queue: state.queue.concat(r.data.items), queueNext: r.data.next, queueCounts: r.data.counts,
    queueTotal: r.data.total });
  renderQueue();
}

function renderQueue() {
  const filter = sessionStorage.getItem('kg-filter') || 'all';
  const rows = state.queue.filter((c) => filter === 'all' || filter === 'followUp'
    || (filter === 'mine' ? c.assigneeId === state.staff.id : c.urgency === filter));
  state.selected = Math.min(state.selected, Math.max(rows.length - 1, 0));
  const counted = (v) => v === 'all' ? state.queueTotal : v === 'followUp' ? state.followUpsDue : state.queueCounts[v];
  const select = el('select', { id: 'filter', 'aria-label': t().urgency, onchange: (e) => {
    const wasFollowUp = filter === 'followUp';
    sessionStorage.setItem('kg-filter', e.target.value);
    if (wasFollowUp || e.target.value === 'followUp') loadQueue(); else renderQueue();
  } },
    ...['all', 'crisis', 'urgent', 'normal', 'mine', 'followUp'].map((v) => el('option', { value: v,
      text: counted(v) === undefined ? t()[v] : `${t()[v]} (${counted(v)})`, selected: v === filter })));
  const body = el('tbody', {}, rows.map((c, i) => {
    const w = waited(c.lastInboundAt);
    return el('tr', { 'data-case': c.id, class: deadline(c, w.minutes), 'aria-selected': String(i === state.selected),
      onclick: () => { location.hash = `#/case/${c.id}`; } },
    el('td', {}, el('span', { class: `badge ${c.urgency}`, text: t()[c.urgency] }),
      c.followUpDue ? el('span', { class: 'badge followup', 'data-testid': 'follow-up-due', text: t().followUpDue }) : null),
    el('td', {}, `KS-${c.id}`, consentBadge(c.consent)),
    el('td', { text: c.categories.map(category).join(t().listSep) || '—' }),
    el('td', { text: routeLabel(c.channel) }),
    el('td', { text: w.text }),
    el('td', { text: c.assigneeId ? (c.assigneeId === state.staff.id ? state.staff.displayName : `#${c.assigneeId}`) : t().none }));
  }));
  const table = el('table', { 'aria-label': t().queue },
    el('thead', {}, el('tr', {}, ...[t().urgency, 'No.', t().categories, t().channel, t().waiting, t().assignee].map((h) => el('th', { scope: 'col', text: h })))),
    body);
  const health = el('p', { class: 'meta', id: 'channel-health' }, `${t().channels}: `, ...state.channels.map((ch) => {
    const quota = ch.quota && ch.quota.remaining !== undefined ? ` (${t().quotaLeft} ${ch.quota.remaining}/${ch.quota.limit})` : '';
    const down = ch.status !== 'UP';
    return el('span', { class: down || ch.quota?.warning ? 'error' : '', text: `${ch.channel} ${down ? t().down + ': ' + (ch.reason || '') : 'OK'}${quota}　` });
  }));
  const paging = el('p', { class: 'meta', id: 'queue-paging' },
    t().shownOf.replace('{n}', state.queue.length).replace('{total}', state.queueTotal), ' ',
    state.queueNext ? el('button', { class: 'secondary', type: 'button', id: 'queue-more', text: t().showMore, onclick: moreQueue }) : null);
  const record = ['consultant', 'chief'].includes(state.staff.role) ? el('a', { class: 'secondary', href: '#/record',
    id: 'record-consultation', text: t().recordConsultation }) : null;
  $('main').replaceChildren(el('section', { class: 'card' }, el('div', { class: 'row' }, el('h2', { text: t().queue }), select, searchForm(), record), health,
    el('p', { class: 'meta', text: t().keyboard }), table, paging));
}

// Search by a word of the messages, a name or an address. The phrase stays out of the URL and the history: it may
// be a resident's name, and the PC may be shared.
function searchForm() {
  const input = el('input', { type: 'search', id: 'case-search', maxlength: 100, 'aria-label': t().search, placeholder: t().searchHint });
  return el('form', { class: 'row', role: 'search', onsubmit: async (e) => {
    e.preventDefault();
    const phrase = input.value.trim();
    if (!phrase) return;
    const current = takeTicket();
    const r = await api('GET', `/cases?q=${encodeURIComponent(phrase)}`);
    if (!current()) return;
    if (r.status !== 200) { $('main').replaceChildren(el('p', { class: 'error', text: r.data?.message || String(r.status) })); return; }
    const rows = r.data.items.map((c) => el('tr', { 'data-case': c.id, onclick: () => { location.hash = `#/case/${c.id}`; } },
      el('td', {}, el('span', { class: `badge ${c.urgency}`, text: t()[c.urgency] })),
      el('td', {}, el('a', { href: `#/case/${c.id}`, text: `KS-${c.id}` })),
      el('td', { text: c.categories.map(category).join(t().listSep) || '—' }),
      el('td', { text: c.channel }),
      el('td', { text: c.status === 'closed' ? t().closedCase : t().openCase })));
    $('main').replaceChildren(el('section', { class: 'card' },
      el('div', { class: 'row' }, el('h2', { text: t().searchResults.replace('{n}', rows.length) }),
        el('a', { href: '#/queue', text: t().queue, onclick: (ev) => { ev.preventDefault(); loadQueue(); } })),
      rows.length ? el('table', { 'aria-label': t().searchResults.replace('{n}', rows.length) },
        el('thead', {}, el('tr', {}, ...[t().urgency, 'No.', t().categories, t().channel, t().caseStatus].map((h) => el('th', { scope: 'col', text: h })))),
        el('tbody', {}, rows)) : el('p', { text: t().searchNone })));
  } }, input, el('button', { class: 'secondary', type: 'submit', text: t().search }));
}

document.addEventListener('keydown', (e) => {
  if (!location.hash.startsWith('#/queue') || ['INPUT', 'TEXTAREA', 'SELECT'].includes(document.activeElement.tagName)) return;
  const rows = [...document.querySelectorAll('tbody tr')];
  if (e.key === 'j' || e.key === 'k') {
    state.selected = Math.max(0, Math.min(rows.length - 1, state.selected + (e.key === 'j' ? 1 : -1)));
    rows.forEach((r, i) => r.setAttribute('aria-selected', String(i === state.selected)));
  } else if (e.key === 'Enter' && rows[state.selected]) {
    location.hash = `#/case/${rows[state.selected].dataset.case}`;
  } else if (e.key === 'r') {
    loadQueue();
  }
});

// Quoted earlier mail ("> ..." lines, "On ... wrote:") is folded under a toggle but kept.
function messageText(text) {
  const lines = text.split('\n');
  const at = lines.findIndex((l, i) => /^>/.test(l) || /(wrote|書きました|<[^>]+@[^>]+>):?\s*$/.test(l) && i > 0);
  if (at <= 0) return el('span', { text });
  return el('span', {}, el('span', { text: lines.slice(0, at).join('\n') }),
    el('details', { class: 'quoted' }, el('summary', { text: '…' }), el('span', { text: lines.slice(at).join('\n') })));
}

async function openCase(id, quiet, background) {
  const current = takeTicket();
  const r = await api('GET', `/cases/${id}`, undefined, background);
  if (!current()) return;
  if (r.status === 403) {
    const summary = state.queue.find((c) => c.id === id);
    $('main').replaceChildren(el('section', { class: 'card' }, el('h2', { text: `KS-${id}` }),
      el('p', { text: t().claimToRead }),
      summary && !summary.assigneeId ? el('button', { class: 'primary', type: 'button', text: t().claim,
        onclick: async () => { await api('POST', `/cases/${id}/claim`); openCase(id); } }) : null));
    return;
  }
  if (r.status !== 200) { $('main').replaceChildren(el('p', { class: 'error', text: r.data?.message || String(r.status) })); return; }
  const c = r.data;
  const messages = el('div', { id: 'messages', 'data-case': c.id, 'aria-live': 'polite' }, c.messages.map((m) => el('div', { class: `msg ${m.direction}`, 'data-message': m.id },
    el('span', { class: 'meta', text: `${new Date(m.at).toLocaleString(state.lang)} · ${m.direction} · ${t().delivery[m.delivery] || m.delivery}${m.deliveryError ? ' — ' + m.deliveryError : ''}` }),
    m.subject ? el('p', { class: 'subject', 'data-testid': 'subject', text: `${t().subject}: ${m.subject}` }) : null,
    m.unsent ? el('em', { class: 'unsent', text: t().unsent }) : messageText(m.text),
    m.attachments?.length ? el('p', {}, ...m.attachments.map((a) => el('a', { href: a.url, target: '_blank', rel: 'noopener', text: `${t().attachments}: ${a.fileName || a.contentType}` }))) : null,
    m.delivery === 'failed' ? el('button', { class: 'secondary', type: 'button', text: t().retry,
      onclick: async () => { await api('POST', `/cases/${id}/messages/${m.id}/retry`); openCase(id, true); } }) : null)));
  // A live update only refreshes the thread: what the consultant is typing in the forms stays.
  const shown = document.getElementById('messages');
  if (quiet && shown && shown.dataset.case === String(c.id)) {
    shown.replaceWith(messages);
    return;
  }
  const templates = (await api('GET', '/templates')).data.items;
  const replyBox = el('textarea', { id: 'reply', 'aria-label': t().reply, oninput: () => {
    if (Date.now() - state.lastTyping > 3000) { state.lastTyping = Date.now(); api('POST', `/cases/${id}/typing`, {}); }
  } });
  const fill = (body) => body.replaceAll('{name}', c.contactName || '').replaceAll('{staff}', state.staff.displayName);
  const reply = c.noChannel ? el('p', { class: 'card meta', id: 'no-channel', text: t().noChannel }) : el('form', { class: 'card stack', onsubmit: async (e) => {
    e.preventDefault();
    if (!replyBox.value.trim()) return;
    const res = await api('POST', `/cases/${id}/replies`, { text: replyBox.value });
    if (res.status === 202) { replyBox.value = ''; openCase(id, true); } else alert(res.data?.message);
  } }, el('h3', { text: t().reply }),
  el('label', { for: 'template', text: t().template }),
  el('select', { id: 'template', onchange: (e) => { const tpl = templates.find((x) => String(x.id) === e.target.value); if (tpl) replyBox.value = fill(tpl.body); } },
    el('option', { value: '', text: '—' }), ...templates.map((x) => el('option', { value: x.id, text: x.title }))),
  el('label', { for: 'reply', text: t().reply }), replyBox,
  el('p', { id: `typing-${id}`, class: 'meta' }),
  el('button', { class: 'primary', type: 'submit', text: t().send }));
  const noteBox = el('textarea', { id: 'note', 'aria-label': t().note });
  const note = el('form', { class: 'card stack', onsubmit: async (e) => {
    e.preventDefault(); if (!noteBox.value.trim()) return;
    await api('POST', `/cases/${id}/notes`, { text: noteBox.value }); noteBox.value = ''; openCase(id, true);
  } }, el('label', { for: 'note', text: t().note }), noteBox, el('button', { class: 'secondary', type: 'submit', text: t().addNote }));
  $('main').replaceChildren(el('div', { class: 'grid' },
    el('div', {}, el('section', { class: 'card' },
      el('h2', {}, el('span', { class: `badge ${c.urgency}`, text: t()[c.urgency] }), ` KS-${c.id} ${c.contactName || ''}`),
      el('p', { class: 'meta', text: `${t().route}: ${routeLabel(c.channel)} · ${t().categories}: ${c.categories.map(category).join(t().listSep)}` }),
      c.followUpDue ? el('p', {}, el('span', { class: 'badge followup', text: `${t().followUpDue} ${c.followUpOn}` })) : null,
      consentLine(c.consent),
      accommodationLine(c.accommodation),
      messages), reply, note),
    el('div', {}, await actionsPanel(c), await routePanel(c), triagePanel(c), accommodationPanel(c), await milestonesPanel(c), await handoffPanel(c))));
  if (!quiet && !c.noChannel) replyBox.focus();
}

// A consultation taken by phone, at the window, on a visit or from an agency (相談を記録): the recorder is assigned
// it; it is triaged like any message and gets no automatic reply.
async function showRecordForm() {
  const current = takeTicket();
  const agencies = (await api('GET', '/agencies')).data.items;
  if (!current()) return;
  const error = el('p', { class: 'error', role: 'alert' });
  const local = (d) => new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
  const options = (labels) => Object.entries(labels).map(([v, label]) => el('option', { value: v, text: label }));
  const routeSelect = el('select', { id: 'record-route', name: 'route' },
    ...['phone', 'walk_in', 'outreach', 'referral'].map((v) => el('option', { value: v, text: t().routes[v] })));
  const agencyLabel = el('label', { for: 'record-agency', text: t().referralAgency, hidden: true });
  const agency = el('select', { id: 'record-agency', name: 'agency', hidden: true }, ...agencies.map((a) => el('option', { value: a.id, text: a.name })));
  routeSelect.addEventListener('change', () => { agencyLabel.hidden = agency.hidden = routeSelect.value !== 'referral'; });
  const form = el('form', { class: 'card stack', 'aria-label': t().recordConsultation, onsubmit: async (e) => {
    e.preventDefault();
    const body = { route: routeSelect.value, consulter: $('record-consulter').value, name: $('record-name').value,
      text: $('record-text').value, at: new Date($('record-at').value).toISOString() };
    if (body.route === 'referral') body.agencyId = Number(agency.value);
    const r = await api('POST', '/cases', body);
    if (r.status !== 201) { error.textContent = r.data?.message || String(r.status); return; }
    location.hash = `#/case/${r.data.id}`;
  } },
  el('h2', { text: t().recordConsultation }), el('p', { class: 'meta', text: t().recordConsultationHelp }),
  el('label', { for: 'record-route', text: t().route }), routeSelect, agencyLabel, agency,
  el('label', { for: 'record-consulter', text: t().consulter }),
  el('select', { id: 'record-consulter', name: 'consulter' }, ...options(t().consulters)),
  el('label', { for: 'record-name', text: t().consultationName }),
  el('input', { id: 'record-name', name: 'name', type: 'text', maxlength: 100, autocomplete: 'off' }),
  el('label', { for: 'record-text', text: t().consultationText }),
  el('textarea', { id: 'record-text', name: 'text', required: true, maxlength: 10000 }),
  el('label', { for: 'record-at', text: t().consultedAt }),
  el('input', { id: 'record-at', name: 'at', type: 'datetime-local', required: true, value: local(new Date()) }),
  el('p', { class: 'row' }, el('button', { class: 'primary', type: 'submit', id: 'record-save', text: t().recordConsultation }),
    el('a', { href: '#/queue', text: t().queue })), error);
  $('main').replaceChildren(form);
  routeSelect.focus();
}

// 相談経路 of any case (who consulted, who sent them), the contacts staff made, and the next follow-up day.
async function routePanel(c) {
  const [agencies, contacts] = await Promise.all([api('GET', '/agencies'), api('GET', `/cases/${c.id}/contacts`)]);
  const none = () => el('option', { value: '', text: '—' });
  const consulter = el('select', { 'aria-label': t().consulter }, none(),
    ...Object.entries(t().consulters).map(([v, label]) => el('option', { value: v, text: label, selected: v === c.consulter })));
  const source = el('select', { 'aria-label': t().referralSource }, none(),
    ...Object.entries(t().referralSources).map(([v, label]) => el('option', { value: v, text: label, selected: v === c.referralSource })));
  const agency = el('select', { 'aria-label': t().referralAgency }, none(),
    ...agencies.data.items.map((a) => el('option', { value: a.id, text: a.name, selected: a.id === c.referralAgencyId })));
  const kind = el('select', { 'aria-label': t().kind }, ...Object.entries(t().contactKinds).map(([v, label]) => el('option', { value: v, text: label })));
  const local = (d) => new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
  const at = el('input', { type: 'datetime-local', 'aria-label': t().contactAt, value: local(new Date()) });
  const note = el('input', { type: 'text', maxlength: 2000, 'aria-label': t().contactNote });
  const followUp = el('input', { type: 'date', id: 'follow-up-on', 'aria-label': t().followUpOn, value: c.followUpOn || '' });
  const error = el('p', { class: 'error', role: 'alert' });
  const saved = (r, status) => { if (r.status === status) openCase(c.id); else error.textContent = r.data?.message || String(r.status); };
  return el('section', { class: 'card stack', 'data-testid': 'route-panel' }, el('h3', { text: t().route }),
    el('p', { text: `${routeLabel(c.channel)}${c.referralAgency ? ' — ' + c.referralAgency : ''}` }),
    el('label', { text: t().consulter }), consulter, el('label', { text: t().referralSource }), source,
    el('label', { text: t().referralAgency }), agency,
    el('button', { class: 'secondary', type: 'button', text: t().save, onclick: async () => {
      const body = { consulter: consulter.value || null, referralSource: source.value || null,
        referralAgencyId: source.value === 'agency' && agency.value ? Number(agency.value) : null };
      saved(await api('PUT', `/cases/${c.id}/route`, body), 200);
    } }),
    el('h3', { text: t().followUpOn }), el('div', { class: 'row' }, followUp,
      el('button', { class: 'secondary', type: 'button', text: t().save, onclick: async () => {
        if (followUp.value) saved(await api('PUT', `/cases/${c.id}/follow-up`, { on: followUp.value }), 200);
      } }),
      el('button', { class: 'secondary', type: 'button', text: t().clearFollowUp, onclick: async () => {
        saved(await api('PUT', `/cases/${c.id}/follow-up`, { on: null }), 200);
      } })),
    el('h3', { text: t().contactsMade }),
    el('ul', { 'data-testid': 'contacts-made' }, (contacts.data?.items || []).map((m) => el('li', {},
      `${new Date(m.at).toLocaleString(state.lang)} ${t().contactKinds[m.kind] || m.kind}${m.note ? ' — ' + m.note : ''} (${m.staffName})`))),
    kind, at, note,
    el('button', { class: 'secondary', type: 'button', text: t().recordContact, onclick: async () => {
      if (!at.value) return;
      saved(await api('POST', `/cases/${c.id}/contacts`, { kind: kind.value, at: new Date(at.value).toISOString(), note: note.value }), 201);
    } }), error);
}

// Consent to the privacy notice: until the resident agrees (LINE, mail) only safety handling runs, so staff must see
// it on the queue row and in the case header; once given, the notice version and time are shown.
function consentBadge(consent) {
  if (!consent || consent.state === 'given') return null;
  return el('span', { class: 'badge consent-missing', 'data-testid': 'consent-missing', text: t().consentMissing });
}

function consentLine(consent) {
  if (!consent) return null;
  if (consent.state === 'given') {
    return el('p', { class: 'meta', 'data-testid': 'consent',
      text: `${t().consentGiven}: ${t().consentVersion} ${consent.version} · ${new Date(consent.at).toLocaleString(state.lang)}` });
  }
  const older = consent.state === 'outdated' ? ` (${t().consentOutdated.replace('{version}', consent.version)})` : '';
  return el('p', { 'data-testid': 'consent' }, consentBadge(consent), ` ${t().consentMissingHelp}${older}`);
}

// Reasonable accommodation (合理的配慮): in the case header for everyone who opens it, editable in its own panel.
function accommodationLine(a) {
  if (!a || (!a.needs.length && !a.contactMeans && !a.contactHours && !a.note)) return null;
  const parts = [...a.needs.map((n) => t().needs[n] || n)];
  if (a.contactMeans || a.contactHours) parts.push(`${t().contactPreference}: ${[t().contactMeans[a.contactMeans], a.contactHours].filter(Boolean).join(' ')}`);
  if (a.note) parts.push(a.note);
  return el('p', { class: 'accommodation', 'data-testid': 'accommodation', text: `${t().accommodation}: ${parts.join(t().listSep)}` });
}

function accommodationPanel(c) {
  const a = c.accommodation || { needs: [] };
  const boxes = Object.keys(t().needs).map((code) => el('label', { class: 'row' },
    el('input', { type: 'checkbox', value: code, checked: a.needs.includes(code) }), t().needs[code]));
  const means = el('select', { 'aria-label': t().contactPreference }, el('option', { value: '', text: '—' }),
    ...Object.entries(t().contactMeans).map(([v, label]) => el('option', { value: v, text: label, selected: v === a.contactMeans })));
  const hours = el('input', { type: 'text', maxlength: 200, 'aria-label': t().contactHours, value: a.contactHours || '' });
  const note = el('textarea', { maxlength: 2000, 'aria-label': t().accommodationNote, text: a.note || '' });
  return el('section', { class: 'card stack' }, el('h3', { text: t().accommodation }), ...boxes, means, hours, note,
    el('button', { class: 'secondary', type: 'button', text: t().save, onclick: async () => {
      const r = await api('PUT', `/cases/${c.id}/accommodation`, { needs: boxes.map((b) => b.querySelector('input')).filter((i) => i.checked).map((i) => i.value),
        contactMeans: means.value, contactHours: hours.value, note: note.value });
      if (r.status === 200) openCase(c.id); else alert(r.data?.message || r.status);
    } }));
}

// Support milestones (支援の節目): the facts the city's monthly figures count (プラン作成, 評価実施 …).
async function milestonesPanel(c) {
  const r = await api('GET', `/cases/${c.id}/milestones`);
  const items = r.status === 200 ? r.data.items : [];
  const kind = el('select', { 'aria-label': t().milestoneKind }, ...Object.entries(t().milestoneKinds).map(([v, label]) => el('option', { value: v, text: label })));
  const on = el('input', { type: 'date', 'aria-label': t().milestoneOn, value: new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Tokyo' }) });
  const note = el('input', { type: 'text', maxlength: 2000, 'aria-label': t().milestoneNote });
  return el('section', { class: 'card stack' }, el('h3', { text: t().milestones }),
    el('ul', { 'data-testid': 'milestones' }, items.map((m) => el('li', {}, `${m.on} ${t().milestoneKinds[m.kind] || m.kind}${m.note ? ' — ' + m.note : ''} (${m.recordedByName}) `,
      el('button', { class: 'secondary', type: 'button', text: t().undo, onclick: async () => { await api('DELETE', `/cases/${c.id}/milestones/${m.id}`); openCase(c.id); } })))),
    kind, on, note,
    el('button', { class: 'secondary', type: 'button', text: t().recordMilestone, onclick: async () => {
      const saved = await api('POST', `/cases/${c.id}/milestones`, { kind: kind.value, on: on.value, note: note.value });
      if (saved.status === 201) openCase(c.id); else alert(saved.data?.message || saved.status);
    } }));
}

async function actionsPanel(c) {
  const outcome = el('select', { id: 'outcome', 'aria-label': t().outcome }, ...Object.entries(t().outcomes).map(([v, label]) => el('option', { value: v, text: label })));
  const panel = el('section', { class: 'card stack' },
    el('h3', { text: t().close }), el('div', { class: 'row' }, outcome,
      el('button', { class: 'secondary', type: 'button', text: t().close, onclick: async () => { await api('POST', `/cases/${c.id}/close`, { outcome: outcome.value }); loadQueue(); } })),
    el('p', {}, el('button', { class: 'secondary', type: 'button', text: t().complaint, onclick: async () => { await api('POST', `/cases/${c.id}/complaint`, { complaint: true }); } })));
  const other = el('input', { type: 'number', min: 1, id: 'link-case', 'aria-label': t().linkCase });
  panel.append(el('h3', { text: t().linkCase }), el('div', { class: 'row' }, other,
    el('button', { class: 'secondary', type: 'button', text: t().link, onclick: async () => {
      if (!other.value) return;
      const r = await api('POST', `/cases/${c.id}/link`, { caseId: Number(other.value) });
      if (r.status === 200) openCase(c.id); else alert(r.data?.message || r.status);
    } })));
  if (state.staff.role === 'chief') {
    // Cases go to active consultants and chiefs only; the admin manages accounts and never takes cases.
    const staff = (await api('GET', '/staff')).data.items.filter((s) => s.active && ['consultant', 'chief'].includes(s.role));
    const who = el('select', { 'aria-label': t().assign }, ...staff.map((s) => el('option', { value: s.id, text: s.displayName, selected: s.id === c.assigneeId })));
    panel.append(el('h3', { text: t().assign }), el('div', { class: 'row' }, who,
      el('button', { class: 'secondary', type: 'button', text: t().save, onclick: async () => { await api('POST', `/cases/${c.id}/assign`, { staffId: Number(who.value) }); openCase(c.id); } })));
  }
  return panel;
}

function triagePanel(c) {
  const boxes = state.categories.map(({ code }) => el('label', { class: 'row' },
    el('input', { type: 'checkbox', value: code, checked: c.categories.includes(code) }), category(code)));
  const urgency = el('select', { 'aria-label': t().urgency }, ...['crisis', 'urgent', 'normal'].map((u) => el('option', { value: u, text: t()[u], selected: u === c.urgency })));
  const reasons = el('ul', {}, (c.triage || []).flatMap((r) => r.matched.map((m) => el('li', { text: `${category(m.category)}: 「${m.found}」` }))));
  return el('details', { class: 'card' }, el('summary', { text: t().triage }), reasons,
    el('form', { class: 'stack', onsubmit: async (e) => {
      e.preventDefault();
      const categories = boxes.map((b) => b.querySelector('input')).filter((i) => i.checked).map((i) => i.value);
      await api('POST', `/cases/${c.id}/triage`, { categories, urgency: urgency.value }); openCase(c.id);
    } }, el('h3', { text: t().correct }), ...boxes, urgency, el('button', { class: 'secondary', type: 'submit', text: t().save })));
}

async function handoffPanel(c) {
  const agencies = (await api('GET', '/agencies')).data.items;
  const list = el('ul', { id: 'handoff-list' });
  const showHandoffs = async () => {
    const done = (await api('GET', `/cases/${c.id}/handoffs`)).data?.items || [];
    const sharing = (h) => h.sharingConsent === true ? ` (${t().sharingYes})` : h.sharingConsent === false ? ` (${t().sharingNo})` : '';
    list.replaceChildren(...done.map((h) => el('li', {}, `${t().kinds[h.kind] || h.kind}${h.agency ? ' — ' + h.agency : ''}${sharing(h)} `,
      el('a', { href: `/api/handoffs/${h.id}/summary`, target: '_blank', rel: 'noopener', text: t().printSummary }))));
  };
  await showHandoffs();
  const kind = el('select', { id: 'handoff-kind' }, ...Object.entries(t().kinds).map(([v, label]) => el('option', { value: v, text: label })));
  const when = el('input', { id: 'handoff-at', type: 'datetime-local' });
  const agency = el('select', { id: 'handoff-agency' }, el('option', { value: '', text: '—' }), ...agencies.map((a) => el('option', { value: a.id, text: a.name })));
  const sharing = el('select', { id: 'handoff-sharing' }, el('option', { value: '', text: '—' }),
    el('option', { value: 'yes', text: t().sharingYes }), el('option', { value: 'no', text: t().sharingNo }));
  const note = el('textarea', { id: 'handoff-note' });
  const message = el('textarea', { id: 'handoff-message' });
  const result = el('p', { role: 'status' });
  return el('form', { class: 'card stack', onsubmit: async (e) => {
    e.preventDefault();
    // A consultation taken by phone or at the window has no channel: nothing goes to the resident.
    const body = c.noChannel ? { kind: kind.value, note: note.value } : { kind: kind.value, note: note.value, message: message.value };
    if (when.value) body.at = new Date(when.value).toISOString();
    if (agency.value) body.agencyId = Number(agency.value);
    if (sharing.value) body.sharingConsent = sharing.value === 'yes';
    const r = await api('POST', `/cases/${c.id}/handoffs`, body);
    if (r.status === 201) {
      // Only this form resets and the list gains the new handoff: a reply being typed stays.
      note.value = ''; message.value = ''; when.value = ''; sharing.value = ''; result.textContent = '';
      await showHandoffs();
    } else result.textContent = r.data?.message || String(r.status);
  } }, el('h3', { text: t().handoff }), list,
  el('label', { for: 'handoff-kind', text: t().kind }), kind,
  el('label', { for: 'handoff-at', text: t().when }), when,
  el('label', { for: 'handoff-agency', text: t().agency }), agency,
  el('label', { for: 'handoff-sharing', text: t().sharingConsent }), sharing,
  el('label', { for: 'handoff-note', text: t().handoffNote }), note,
  c.noChannel ? null : el('label', { for: 'handoff-message', text: t().residentMessage }), c.noChannel ? null : message,
  el('button', { class: 'primary', type: 'submit', text: t().createHandoff }), result);
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
