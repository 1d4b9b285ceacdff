// The queue of open cases: pages, filters, search, keyboard; patched from live events, reloaded at most once a burst.
import { state, t, category, routeLabel, choices } from './state.js';
import { $, el, takeTicket } from './dom.js';
import { api } from './api.js';
import { consentBadge } from './consent.js';

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

// Live events reload the queue at most once per burst: after things go quiet for a moment, and at least every few
// seconds while they do not.
const RELOAD_QUIET_MS = 400;
const RELOAD_MAX_WAIT_MS = 2000;
let reloadTimer = null;
let firstAsked = 0;
const onQueue = () => location.hash.startsWith('#/queue') || location.hash === '';

export function scheduleQueueReload() {
  const now = Date.now();
  if (reloadTimer === null) firstAsked = now;
  else clearTimeout(reloadTimer);
  const wait = Math.max(0, Math.min(RELOAD_QUIET_MS, firstAsked + RELOAD_MAX_WAIT_MS - now));
  reloadTimer = setTimeout(() => { reloadTimer = null; if (onQueue() && state.csrf) loadQueue(true); }, wait);
}

// A live event on the queue: a case command's event carries the case's state, so its row is patched (a closed case
// leaves) with no request; what an event cannot say (a new case or message, a new order) reloads, debounced.
export function applyQueueEvent(ev) {
  if (!onQueue()) return;
  if (ev.status === undefined) {
    if (['message.received', 'case.triaged', 'case.crisis'].includes(ev.type)) scheduleQueueReload();
    return;
  }
  const i = state.queue.findIndex((c) => c.id === ev.caseId);
  if (i < 0) {
    if (ev.status === 'open') scheduleQueueReload();
    return;
  }
  const row = state.queue[i];
  if (ev.status === 'closed') {
    state.queue.splice(i, 1);
    state.queueTotal = Math.max(0, state.queueTotal - 1);
    if (state.queueCounts[row.urgency]) state.queueCounts[row.urgency] -= 1;
    renderQueue();
    return;
  }
  const reordered = ev.urgency && ev.urgency !== row.urgency;
  row.assigneeId = ev.assigneeId ?? null;
  renderQueue();
  if (reordered) scheduleQueueReload();
}

export async function loadQueue(background) {
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

async function moreQueue() {
  const current = takeTicket();
  const r = await api('GET', `/cases?status=open&limit=${QUEUE_PAGE}&after=${encodeURIComponent(state.queueNext)}${followUpFilter()}`);
  if (!current() || r.status !== 200) return;
  Object.assign(state, { queue: state.queue.concat(r.data.items), queueNext: r.data.next, queueCounts: r.data.counts,
    queueTotal: r.data.total });
  renderQueue();
}

export function renderQueue() {
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
    ...['all', ...choices('Urgency'), 'mine', 'followUp'].map((v) => el('option', { value: v,
      text: counted(v) === undefined ? t()[v] : `${t()[v]} (${counted(v)})`, selected: v === filter })));
  const body = el('tbody', {}, rows.map((c, i) => {
    const w = waited(c.lastInboundAt);
    return el('tr', { 'data-case': c.id, class: deadline(c, w.minutes), 'aria-selected': String(i === state.selected),
      onclick: () => { location.hash = `#/case/${c.id}`; } },
    el('td', {}, el('span', { class: `badge ${c.urgency}`, text: t()[c.urgency] }),
      c.followUpDue ? el('span', { class: 'badge followup', 'data-testid': 'follow-up-due', text: t().followUpDue }) : null),
    el('td', {}, `KS-${c.id}`, consentBadge(c.consent),
      c.senderUnverified ? el('span', { class: 'badge unverified-badge', 'data-testid': 'queue-sender-unverified',
        title: t().senderUnverified, text: t().senderUnverifiedShort }) : null),
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
    return el('span', { class: down || ch.quota?.warning ? 'error' : '', text: `${routeLabel(ch.channel)} ${down ? t().down + ': ' + (ch.reason || '') : 'OK'}${quota}　` });
  }));
  const paging = el('p', { class: 'meta', id: 'queue-paging' },
    t().shownOf.replace('{n}', state.queue.length).replace('{total}', state.queueTotal), ' ',
    state.queueNext ? el('button', { class: 'secondary', type: 'button', id: 'queue-more', text: t().showMore, onclick: moreQueue }) : null);
  const record = ['consultant', 'chief'].includes(state.staff.role) ? el('a', { class: 'secondary', href: '#/record',
    id: 'record-consultation', text: t().recordConsultation }) : null;
  $('main').replaceChildren(el('section', { class: 'card' }, el('div', { class: 'row' }, el('h2', { text: t().queue }), select, searchForm(), record), health,
    el('p', { class: 'meta', text: t().keyboard }), table, paging));
}

// Search by a word of the messages, a name or an address. The phrase stays out of the URL, the history and the
// browser's form memory: it may be a resident's name, and the PC may be shared.
function searchForm() {
  const input = el('input', { type: 'search', id: 'case-search', maxlength: 100, autocomplete: 'off', 'aria-label': t().search, placeholder: t().searchHint });
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
      el('td', { text: routeLabel(c.channel) }),
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
