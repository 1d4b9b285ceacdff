import { t, labelled } from './state.js';
import { $, el, takeTicket } from './dom.js';
import { api } from './api.js';
import { sendsOnce } from './draft.js';

// A consultation taken by phone, at the window, on a visit or from an agency (相談を記録): the recorder is assigned
// it; it is triaged like any message and gets no automatic reply.
export async function showRecordForm() {
  const current = takeTicket();
  const agencies = (await api('GET', '/agencies')).data.items;
  if (!current()) return;
  const error = el('p', { class: 'error', role: 'alert' });
  const local = (d) => new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
  const options = (pairs) => pairs.map(([v, label]) => el('option', { value: v, text: label }));
  const routeSelect = el('select', { id: 'record-route', name: 'route' },
    ...options(labelled('StaffRoute', t().routes)));
  const agencyLabel = el('label', { for: 'record-agency', text: t().referralAgency, hidden: true });
  const agency = el('select', { id: 'record-agency', name: 'agency', hidden: true }, ...agencies.map((a) => el('option', { value: a.id, text: a.name })));
  routeSelect.addEventListener('change', () => { agencyLabel.hidden = agency.hidden = routeSelect.value !== 'referral'; });
  // Recorded once however often sent: a double click or a resend after a lost answer opens one case, not two that the
  // city's report would count as two consultations. Recorded (or recorded before), the case opens.
  const record = sendsOnce({
    send: (draftId) => {
      const body = { route: routeSelect.value, consulter: $('record-consulter').value, name: $('record-name').value,
        text: $('record-text').value, at: new Date($('record-at').value).toISOString(), draftId };
      if (body.route === 'referral') body.agencyId = Number(agency.value);
      return api('POST', '/cases', body);
    },
    reread: async () => {}, say: (text) => { error.textContent = text; },
    stored: (answer) => { location.hash = `#/case/${answer.data.id}`; },
    texts: { unknown: t().recordUnknown, draftSent: t().recordDraftSent } });
  const form = el('form', { class: 'card stack', 'aria-label': t().recordConsultation, onsubmit: (e) => {
    e.preventDefault();
    record($('record-save'));
  } },
  el('h2', { text: t().recordConsultation }), el('p', { class: 'meta', text: t().recordConsultationHelp }),
  el('label', { for: 'record-route', text: t().route }), routeSelect, agencyLabel, agency,
  el('label', { for: 'record-consulter', text: t().consulter }),
  el('select', { id: 'record-consulter', name: 'consulter' }, ...options(labelled('Consulter', t().consulters))),
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
