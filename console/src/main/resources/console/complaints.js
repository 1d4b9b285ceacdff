import { state, t, labelled, channelLabel } from './state.js';
import { $, el, takeTicket } from './dom.js';
import { api } from './api.js';
import { sendsOnce } from './draft.js';

// The complaints register (苦情受付簿): anyone who takes a complaint records it; the chief (or whom the chief
// names) answers for it, records the response and closes it.
export async function loadComplaints() {
  const current = takeTicket();
  const r = await api('GET', '/complaints');
  if (!current()) return;
  if (r.status !== 200) { $('main').replaceChildren(el('p', { class: 'error', text: r.data?.message || String(r.status) })); return; }
  const error = el('p', { class: 'error', role: 'alert' });
  const outcome = el('p', { role: 'status', 'data-testid': 'complaint-result' });
  const local = (d) => new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
  const rows = el('tbody', {});
  // The register as it is now, the form kept as typed: after a lost answer or a refusal, the consultant sees what is in it.
  const showEntries = async () => {
    const now = await api('GET', '/complaints');
    if (now.status === 200) rows.replaceChildren(...now.data.items.map(entry));
  };
  // Recorded once per form however often pressed; the register is read again after every answer, the form kept as
  // typed unless it was recorded.
  const record = sendsOnce({
    send: (draftId) => {
      const body = { receivedAt: new Date(form.receivedAt.value).toISOString(), channel: form.channel.value, summary: form.summary.value, draftId };
      if (form.caseId.value) body.caseId = Number(form.caseId.value);
      return api('POST', '/complaints', body);
    },
    // Recorded (or recorded before) is no error: said as a status, not an alert.
    say: (text, kind) => {
      error.textContent = kind === 'stored' ? '' : text;
      outcome.textContent = kind === 'stored' ? text : '';
    },
    reread: showEntries, stored: () => { form.reset(); form.receivedAt.value = local(new Date()); },
    texts: { unknown: t().recordUnknown, already: t().complaintAlreadyRecorded, draftSent: t().complaintDraftSent } });
  const form = el('form', { class: 'stack', 'aria-label': t().recordComplaint, onsubmit: (e) => {
    e.preventDefault();
    record(e.target.querySelector('button[type=submit]'));
  } },
  el('label', { for: 'complaint-received', text: t().complaintReceived }),
  el('input', { id: 'complaint-received', name: 'receivedAt', type: 'datetime-local', required: true, value: local(new Date()) }),
  el('label', { for: 'complaint-channel', text: t().channel }),
  el('select', { id: 'complaint-channel', name: 'channel' }, ...labelled('ComplaintChannel', t().complaintChannels).map(([c, label]) => el('option', { value: c, text: label }))),
  el('label', { for: 'complaint-case', text: t().complaintCase }),
  el('input', { id: 'complaint-case', name: 'caseId', type: 'number', min: 1 }),
  el('label', { for: 'complaint-summary', text: t().complaintSummary }),
  el('textarea', { id: 'complaint-summary', name: 'summary', required: true, maxlength: 10000 }),
  el('p', {}, el('button', { class: 'primary', type: 'submit', text: t().recordComplaint })), error, outcome);
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
      el('td', { text: t().complaintChannels[c.channel] || channelLabel(c.channel) || c.channel }),
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
      rows)));
  rows.replaceChildren(...r.data.items.map(entry));
}
