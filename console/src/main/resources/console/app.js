// Kurashi Gateway staff console: plain ES modules, no build step. Resident text is only ever put into
// the page with textContent, never as HTML.
import { TEXTS } from './i18n.js';

const state = { lang: localStorage.getItem('kg-lang') || 'ja', csrf: null, staff: null, categories: [],
  queue: [], selected: 0, events: null, typingTimer: null, lastTyping: 0 };
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
  $('sound-label').textContent = t().sound;
  $('lang').textContent = t().switchTo;
  $('logout').textContent = t().logout;
}

function showLogin(message) {
  $('nav').hidden = true;
  const error = el('p', { class: 'error', role: 'alert', text: message || '' });
  const form = el('form', { class: 'card stack', onsubmit: async (e) => {
    e.preventDefault();
    const r = await api('POST', '/login', { login: form.login.value, password: form.password.value });
    if (r.status !== 200) { error.textContent = r.data?.message || t().loginFailed; return; }
    state.csrf = r.data.csrfToken; state.staff = r.data.staff; await start();
  } },
  el('h2', { text: t().login }),
  el('label', { for: 'login', text: t().loginId }), el('input', { id: 'login', name: 'login', type: 'text', autocomplete: 'username', required: true }),
  el('label', { for: 'password', text: t().password }), el('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true }),
  el('p', {}, el('button', { class: 'primary', type: 'submit', text: t().login })), error);
  $('main').replaceChildren(form);
  $('login').focus();
}

async function start() {
  const c = await api('GET', '/categories');
  state.categories = c.data.items;
  $('nav').hidden = false;
  $('who').textContent = `${state.staff.displayName} (${state.staff.role})`;
  $('nav-reports').hidden = !['chief', 'admin'].includes(state.staff.role);
  $('nav-audit').hidden = state.staff.role !== 'chief';
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
  ['message.received', 'message.queued', 'message.sent', 'message.failed', 'case.triaged'].forEach((type) =>
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
  const m = location.hash.match(/^#\/case\/(\d+)/);
  if (m) openCase(Number(m[1]));
  else if (location.hash.startsWith('#/reports')) loadReports();
  else if (location.hash.startsWith('#/audit')) loadAudit();
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
  const byMonth = el('canvas', { id: 'chart-months', 'aria-label': t().newCases, role: 'img' });
  const byCategory = el('canvas', { id: 'chart-categories', 'aria-label': t().categories, role: 'img' });
  $('main').replaceChildren(el('section', { class: 'card' },
    el('div', { class: 'row' }, el('h2', { text: t().reports }), year,
      el('a', { href: `/api/reports/monthly.csv?fy=${fy}`, text: 'CSV (UTF-8)' }),
      el('a', { href: `/api/reports/monthly.csv?fy=${fy}&encoding=shift_jis`, text: 'CSV (Shift_JIS)' })),
    table), el('section', { class: 'card' }, byMonth), el('section', { class: 'card' }, byCategory));
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

async function loadQueue(background) {
  const current = takeTicket();
  if (location.hash !== '#/queue') history.replaceState(null, '', '#/queue');
  const r = await api('GET', '/cases?status=open', undefined, background);
  if (!current()) return;
  state.queue = r.data.items;
  const filter = sessionStorage.getItem('kg-filter') || 'all';
  const rows = state.queue.filter((c) => filter === 'all' || (filter === 'mine' ? c.assigneeId === state.staff.id : c.urgency === filter));
  state.selected = Math.min(state.selected, Math.max(rows.length - 1, 0));
  const select = el('select', { id: 'filter', 'aria-label': t().urgency, onchange: (e) => { sessionStorage.setItem('kg-filter', e.target.value); loadQueue(); } },
    ...['all', 'crisis', 'urgent', 'normal', 'mine'].map((v) => el('option', { value: v, text: t()[v], selected: v === filter })));
  const body = el('tbody', {}, rows.map((c, i) => {
    const w = waited(c.lastInboundAt);
    return el('tr', { 'data-case': c.id, class: deadline(c, w.minutes), 'aria-selected': String(i === state.selected),
      onclick: () => { location.hash = `#/case/${c.id}`; } },
    el('td', {}, el('span', { class: `badge ${c.urgency}`, text: t()[c.urgency] })),
    el('td', { text: `KS-${c.id}` }),
    el('td', { text: c.categories.map(category).join(t().listSep) || '—' }),
    el('td', { text: c.channel }),
    el('td', { text: w.text }),
    el('td', { text: c.assigneeId ? (c.assigneeId === state.staff.id ? state.staff.displayName : `#${c.assigneeId}`) : t().none }));
  }));
  const table = el('table', { 'aria-label': t().queue },
    el('thead', {}, el('tr', {}, ...[t().urgency, 'No.', t().categories, t().channel, t().waiting, t().assignee].map((h) => el('th', { scope: 'col', text: h })))),
    body);
  const channels = (await api('GET', '/channels', undefined, background)).data.items;
  const health = el('p', { class: 'meta', id: 'channel-health' }, `${t().channels}: `, ...channels.map((ch) => {
    const quota = ch.quota && ch.quota.remaining !== undefined ? ` (${t().quotaLeft} ${ch.quota.remaining}/${ch.quota.limit})` : '';
    const down = ch.status !== 'UP';
    return el('span', { class: down || ch.quota?.warning ? 'error' : '', text: `${ch.channel} ${down ? t().down + ': ' + (ch.reason || '') : 'OK'}${quota}　` });
  }));
  $('main').replaceChildren(el('section', { class: 'card' }, el('div', { class: 'row' }, el('h2', { text: t().queue }), select), health,
    el('p', { class: 'meta', text: t().keyboard }), table));
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
    messageText(m.text),
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
  const reply = el('form', { class: 'card stack', onsubmit: async (e) => {
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
      el('p', { class: 'meta', text: `${t().channel}: ${c.channel} · ${t().categories}: ${c.categories.map(category).join(t().listSep)}` }),
      messages), reply, note),
    el('div', {}, await actionsPanel(c), triagePanel(c), await handoffPanel(c))));
  if (!quiet) replyBox.focus();
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
    const staff = (await api('GET', '/staff')).data.items;
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
    list.replaceChildren(...done.map((h) => el('li', {}, `${t().kinds[h.kind] || h.kind}${h.agency ? ' — ' + h.agency : ''} `,
      el('a', { href: `/api/handoffs/${h.id}/summary`, target: '_blank', rel: 'noopener', text: t().printSummary }))));
  };
  await showHandoffs();
  const kind = el('select', { id: 'handoff-kind' }, ...Object.entries(t().kinds).map(([v, label]) => el('option', { value: v, text: label })));
  const when = el('input', { id: 'handoff-at', type: 'datetime-local' });
  const agency = el('select', { id: 'handoff-agency' }, el('option', { value: '', text: '—' }), ...agencies.map((a) => el('option', { value: a.id, text: a.name })));
  const note = el('textarea', { id: 'handoff-note' });
  const message = el('textarea', { id: 'handoff-message' });
  const result = el('p', { role: 'status' });
  return el('form', { class: 'card stack', onsubmit: async (e) => {
    e.preventDefault();
    const body = { kind: kind.value, note: note.value, message: message.value };
    if (when.value) body.at = new Date(when.value).toISOString();
    if (agency.value) body.agencyId = Number(agency.value);
    const r = await api('POST', `/cases/${c.id}/handoffs`, body);
    if (r.status === 201) {
      // Only this form resets and the list gains the new handoff: a reply being typed stays.
      note.value = ''; message.value = ''; when.value = ''; result.textContent = '';
      await showHandoffs();
    } else result.textContent = r.data?.message || String(r.status);
  } }, el('h3', { text: t().handoff }), list,
  el('label', { for: 'handoff-kind', text: t().kind }), kind,
  el('label', { for: 'handoff-at', text: t().when }), when,
  el('label', { for: 'handoff-agency', text: t().agency }), agency,
  el('label', { for: 'handoff-note', text: t().handoffNote }), note,
  el('label', { for: 'handoff-message', text: t().residentMessage }), message,
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
  if (r.status === 200) { state.csrf = r.data.csrfToken; state.staff = r.data.staff; start(); }
}).catch(() => {});
