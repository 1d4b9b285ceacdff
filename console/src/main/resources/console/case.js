// One open case: its thread, reply and note forms, and the side panels; new messages are fetched, never the whole case.
import { state, t, category, routeLabel } from './state.js';
import { $, el, takeTicket } from './dom.js';
import { api } from './api.js';
import { sendsOnce } from './draft.js';
import { consentLine } from './consent.js';
import { accommodationLine, accommodationPanel, actionsPanel, handoffPanel, milestonesPanel, routePanel, triagePanel } from './panels.js';

// Quoted earlier mail ("> ..." lines, "On ... wrote:") is folded under a toggle but kept.
function messageText(text) {
  const lines = text.split('\n');
  const at = lines.findIndex((l, i) => /^>/.test(l) || /(wrote|書きました|<[^>]+@[^>]+>):?\s*$/.test(l) && i > 0);
  if (at <= 0) return el('span', { text });
  return el('span', {}, el('span', { text: lines.slice(0, at).join('\n') }),
    el('details', { class: 'quoted' }, el('summary', { text: '…' }), el('span', { text: lines.slice(at).join('\n') })));
}

function messageView(caseId, m) {
  return el('div', { class: `msg ${m.direction}`, 'data-message': m.id },
    el('span', { class: 'meta', text: `${new Date(m.at).toLocaleString(state.lang)} · ${m.direction} · ${t().delivery[m.delivery] || m.delivery}${m.deliveryError ? ' — ' + m.deliveryError : ''}` }),
    m.senderUnverified ? el('p', { class: 'unverified', 'data-testid': 'sender-unverified', text: t().senderUnverified }) : null,
    m.subject ? el('p', { class: 'subject', 'data-testid': 'subject', text: `${t().subject}: ${m.subject}` }) : null,
    m.unsent ? el('em', { class: 'unsent', text: t().unsent }) : messageText(m.text),
    m.attachments?.length ? el('p', {}, ...m.attachments.map((a) => el('a', { href: a.url, target: '_blank', rel: 'noopener', text: `${t().attachments}: ${a.fileName || a.contentType}` }))) : null,
    m.delivery === 'failed' ? el('button', { class: 'secondary', type: 'button', 'data-testid': 'retry', text: t().retry,
      onclick: () => resend(caseId, m) }) : null);
}

// 再送. A reply that may have reached the resident already, past the channel's duplicate guard, goes again only once
// the consultant says they checked it did not arrive: the gateway's own words ask, in the language they are written in.
// The answer names the hold asked about; if the reply failed again while the dialog stood open, the gateway asks again.
async function resend(caseId, m) {
  const path = `/cases/${caseId}/messages/${m.id}/retry`;
  let answer = await api('POST', path);
  for (let asked = 0; answer.data?.error === 'confirm_resend' && asked < 2; asked++) {
    if (!window.confirm(answer.data.message)) return;
    answer = await api('POST', path, { confirmed: true, hold: answer.data.hold });
  }
  if (answer.status >= 400) window.alert(answer.data?.message || String(answer.status));
  fetchMessages(caseId, m.id - 1);
}

// The case whose thread is shown, or null.
export function shownCase() {
  const list = document.getElementById('messages');
  return list ? Number(list.dataset.case) : null;
}

// The newest message id of the thread shown: new messages are asked for after it.
function newestShown() {
  return Math.max(0, ...[...document.querySelectorAll('#messages [data-message]')].map((m) => Number(m.dataset.message)));
}

// Fetches the thread's messages after `after` (by default the newest shown) and puts each in place: one already shown
// is replaced (its delivery changed), a new one appended. This is not a read of the case: the server writes no audit
// row (the read this login recorded covers it) and answers 409 read_first when this login has not opened the case,
// which then opens it the audited way. One fetch at a time; events arriving meanwhile ask for one more.
let fetching = false;
let pendingAfter = null;
export async function fetchMessages(caseId, after) {
  const from = after ?? newestShown();
  pendingAfter = pendingAfter === null ? from : Math.min(pendingAfter, from);
  if (fetching) return;
  fetching = true;
  try {
    while (pendingAfter !== null) {
      const since = pendingAfter;
      pendingAfter = null;
      const r = await api('GET', `/cases/${caseId}/messages?after=${since}`, undefined, true);
      const list = document.getElementById('messages');
      if (!list || list.dataset.case !== String(caseId)) return;
      if (r.status === 409) { await openCase(caseId, true, true); return; }
      if (r.status !== 200) return;
      for (const m of r.data.items) {
        const shown = list.querySelector(`[data-message="${m.id}"]`);
        if (shown) shown.replaceWith(messageView(caseId, m)); else list.append(messageView(caseId, m));
      }
    }
  } finally {
    fetching = false;
  }
}

// A live event about the case shown: its new or changed messages are fetched, its urgency patched. Only when another
// case's messages join the thread (a merge, a link) is the case read again, which is a read and audited as one.
export function applyCaseEvent(ev) {
  const id = shownCase();
  if (id === null || (ev.caseId !== id && ev.otherCaseId !== id)) return;
  if (ev.type === 'case.merged' || ev.type === 'case.linked') { openCase(id, true, true); return; }
  if (ev.urgency && ev.caseId === id) {
    const badge = document.getElementById('case-urgency');
    if (badge) { badge.className = `badge ${ev.urgency}`; badge.textContent = t()[ev.urgency]; }
  }
  if (ev.messageId === null || ev.messageId === undefined || ev.caseId !== id) return;
  const shown = document.querySelector(`#messages [data-message="${ev.messageId}"]`);
  fetchMessages(id, shown ? ev.messageId - 1 : undefined);
}

export async function openCase(id, quiet, background) {
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
  const messages = el('div', { id: 'messages', 'data-case': c.id, 'aria-live': 'polite' }, c.messages.map((m) => messageView(id, m)));
  pendingAfter = null;
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
  // Queued once however often sent: after a lost answer (the line, a restart) the thread is shown and the draft keeps its
  // id, so sending it again cannot reach the resident twice.
  const sendReply = sendsOnce({
    send: (draftId) => api('POST', `/cases/${id}/replies`, { text: replyBox.value, draftId }), accepted: 202,
    reread: () => fetchMessages(id), say: (text) => { if (text) alert(text); }, stored: () => { replyBox.value = ''; },
    texts: { unknown: t().replyUnknown, draftSent: t().replyDraftSent } });
  const reply = c.noChannel ? el('p', { class: 'card meta', id: 'no-channel', text: t().noChannel }) : el('form', { class: 'card stack', onsubmit: (e) => {
    e.preventDefault();
    if (replyBox.value.trim()) sendReply(e.target.querySelector('button[type=submit]'));
  } }, el('h3', { text: t().reply }),
  el('label', { for: 'template', text: t().template }),
  el('select', { id: 'template', onchange: (e) => { const tpl = templates.find((x) => String(x.id) === e.target.value); if (tpl) replyBox.value = fill(tpl.body); } },
    el('option', { value: '', text: '—' }), ...templates.map((x) => el('option', { value: x.id, text: x.title }))),
  el('label', { for: 'reply', text: t().reply }), replyBox,
  el('p', { id: `typing-${id}`, class: 'meta' }),
  el('button', { class: 'primary', type: 'submit', text: t().send }));
  const noteBox = el('textarea', { id: 'note', 'aria-label': t().note });
  const noteResult = el('p', { role: 'status', id: 'note-result' });
  // Stored once however often sent; a refused note stays in its box.
  const addNote = sendsOnce({
    send: (draftId) => api('POST', `/cases/${id}/notes`, { text: noteBox.value, draftId }),
    reread: () => fetchMessages(id), say: (text) => { noteResult.textContent = text; }, stored: () => { noteBox.value = ''; },
    texts: { unknown: t().noteUnknown, already: t().noteAlreadyRecorded, draftSent: t().noteDraftSent } });
  const note = el('form', { class: 'card stack', onsubmit: (e) => {
    e.preventDefault();
    if (noteBox.value.trim()) addNote(e.target.querySelector('button[type=submit]'));
  } }, el('label', { for: 'note', text: t().note }), noteBox, el('button', { class: 'secondary', type: 'submit', text: t().addNote }), noteResult);
  $('main').replaceChildren(el('div', { class: 'grid' },
    el('div', {}, el('section', { class: 'card' },
      el('h2', {}, el('span', { id: 'case-urgency', class: `badge ${c.urgency}`, text: t()[c.urgency] }), ` KS-${c.id} ${c.contactName || ''}`),
      el('p', { class: 'meta', text: `${t().route}: ${routeLabel(c.channel)} · ${t().categories}: ${c.categories.map(category).join(t().listSep)}` }),
      c.followUpDue ? el('p', {}, el('span', { class: 'badge followup', text: `${t().followUpDue} ${c.followUpOn}` })) : null,
      consentLine(c.consent),
      accommodationLine(c.accommodation),
      messages), reply, note),
    el('div', {}, await actionsPanel(c), await routePanel(c), triagePanel(c), accommodationPanel(c), await milestonesPanel(c), await handoffPanel(c))));
  if (!quiet && !c.noChannel) replyBox.focus();
}

