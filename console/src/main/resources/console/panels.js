// The side panels of an open case: actions, route, triage, accommodation, milestones, handoffs.
import { state, t, category, routeLabel, channelLabel, choices, labelled } from './state.js';
import { el } from './dom.js';
import { api } from './api.js';
import { sendsOnce } from './draft.js';
import { openCase } from './case.js';
import { loadQueue } from './queue.js';

// 相談経路 of any case (who consulted, who sent them), the contacts staff made, and the next follow-up day.
export async function routePanel(c) {
  const agencies = await api('GET', '/agencies');
  const none = () => el('option', { value: '', text: '—' });
  const consulter = el('select', { 'aria-label': t().consulter }, none(),
    ...labelled('Consulter', t().consulters).map(([v, label]) => el('option', { value: v, text: label, selected: v === c.consulter })));
  const source = el('select', { 'aria-label': t().referralSource }, none(),
    ...labelled('ReferralSource', t().referralSources).map(([v, label]) => el('option', { value: v, text: label, selected: v === c.referralSource })));
  const agency = el('select', { 'aria-label': t().referralAgency }, none(),
    ...agencies.data.items.map((a) => el('option', { value: a.id, text: a.name, selected: a.id === c.referralAgencyId })));
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
    error, await contactsMade(c));
}

// The contacts staff made (calls, visits …), which the city's report counts: each recorded once, whatever the line does.
async function contactsMade(c) {
  const list = el('ul', { 'data-testid': 'contacts-made' });
  const showContacts = async () => {
    const items = (await api('GET', `/cases/${c.id}/contacts`)).data?.items || [];
    list.replaceChildren(...items.map((m) => el('li', {},
      `${new Date(m.at).toLocaleString(state.lang)} ${t().contactKinds[m.kind] || m.kind}${m.note ? ' — ' + m.note : ''} (${m.staffName})`)));
  };
  await showContacts();
  const kind = el('select', { 'aria-label': t().kind }, ...labelled('ContactKind', t().contactKinds).map(([v, label]) => el('option', { value: v, text: label })));
  const local = (d) => new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
  const at = el('input', { type: 'datetime-local', 'aria-label': t().contactAt, value: local(new Date()) });
  const note = el('input', { type: 'text', maxlength: 2000, 'aria-label': t().contactNote });
  const result = el('p', { role: 'status', 'data-testid': 'contact-result' });
  // Recorded once per form, however often pressed; after each, the next press is another contact (a second call that day).
  const press = sendsOnce({
    send: (draftId) => api('POST', `/cases/${c.id}/contacts`, { kind: kind.value, at: new Date(at.value).toISOString(), note: note.value, draftId }),
    reread: showContacts, say: (text) => { result.textContent = text; }, stored: () => { note.value = ''; },
    texts: { unknown: t().recordUnknown, already: t().contactAlreadyRecorded, draftSent: t().contactDraftSent } });
  return el('div', { class: 'stack' }, el('h3', { text: t().contactsMade }), list, kind, at, note,
    el('button', { class: 'secondary', type: 'button', text: t().recordContact, onclick: (e) => at.value && press(e.currentTarget) }), result);
}

// Reasonable accommodation (合理的配慮): in the case header for everyone who opens it, editable in its own panel.
export function accommodationLine(a) {
  if (!a || (!a.needs.length && !a.contactMeans && !a.contactHours && !a.note)) return null;
  const parts = [...a.needs.map((n) => t().needs[n] || n)];
  if (a.contactMeans || a.contactHours) parts.push(`${t().contactPreference}: ${[t().contactMeans[a.contactMeans] || channelLabel(a.contactMeans) || a.contactMeans, a.contactHours].filter(Boolean).join(' ')}`);
  if (a.note) parts.push(a.note);
  return el('p', { class: 'accommodation', 'data-testid': 'accommodation', text: `${t().accommodation}: ${parts.join(t().listSep)}` });
}

export function accommodationPanel(c) {
  const a = c.accommodation || { needs: [] };
  const boxes = labelled('Need', t().needs).map(([code, label]) => el('label', { class: 'row' },
    el('input', { type: 'checkbox', value: code, checked: a.needs.includes(code) }), label));
  const means = el('select', { 'aria-label': t().contactPreference }, el('option', { value: '', text: '—' }),
    ...labelled('ContactMeans', t().contactMeans).filter(([v]) => v !== '').map(([v, label]) => el('option', { value: v, text: label, selected: v === a.contactMeans })));
  const hours = el('input', { type: 'text', maxlength: 200, 'aria-label': t().contactHours, value: a.contactHours || '' });
  const note = el('textarea', { maxlength: 2000, 'aria-label': t().accommodationNote, text: a.note || '' });
  return el('section', { class: 'card stack' }, el('h3', { text: t().accommodation }), ...boxes, means, hours, note,
    el('button', { class: 'secondary', type: 'button', text: t().save, onclick: async () => {
      const r = await api('PUT', `/cases/${c.id}/accommodation`, { needs: boxes.map((b) => b.querySelector('input')).filter((i) => i.checked).map((i) => i.value),
        contactMeans: means.value, contactHours: hours.value, note: note.value });
      if (r.status === 200) openCase(c.id); else alert(r.data?.message || r.status);
    } }));
}

// Support milestones (支援の節目): the facts the city's monthly figures count (プラン作成, 評価実施 …), each recorded once.
export async function milestonesPanel(c) {
  const list = el('ul', { 'data-testid': 'milestones' });
  const showMilestones = async () => {
    const r = await api('GET', `/cases/${c.id}/milestones`);
    const items = r.status === 200 ? r.data.items : [];
    list.replaceChildren(...items.map((m) => el('li', {}, `${m.on} ${t().milestoneKinds[m.kind] || m.kind}${m.note ? ' — ' + m.note : ''} (${m.recordedByName}) `,
      el('button', { class: 'secondary', type: 'button', text: t().undo, onclick: async () => { await api('DELETE', `/cases/${c.id}/milestones/${m.id}`); showMilestones(); } }))));
  };
  await showMilestones();
  const kind = el('select', { 'aria-label': t().milestoneKind }, ...labelled('MilestoneKind', t().milestoneKinds).map(([v, label]) => el('option', { value: v, text: label })));
  const on = el('input', { type: 'date', 'aria-label': t().milestoneOn, value: new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Tokyo' }) });
  const note = el('input', { type: 'text', maxlength: 2000, 'aria-label': t().milestoneNote });
  const result = el('p', { role: 'status', 'data-testid': 'milestone-result' });
  // Recorded once per form, however often pressed; after each, the next press is another milestone.
  const press = sendsOnce({
    send: (draftId) => api('POST', `/cases/${c.id}/milestones`, { kind: kind.value, on: on.value, note: note.value, draftId }),
    reread: showMilestones, say: (text) => { result.textContent = text; }, stored: () => { note.value = ''; },
    texts: { unknown: t().recordUnknown, already: t().milestoneAlreadyRecorded, draftSent: t().milestoneDraftSent } });
  return el('section', { class: 'card stack' }, el('h3', { text: t().milestones }), list, kind, on, note,
    el('button', { class: 'secondary', type: 'button', text: t().recordMilestone, onclick: (e) => press(e.currentTarget) }), result);
}

export async function actionsPanel(c) {
  const outcome = el('select', { id: 'outcome', 'aria-label': t().outcome }, ...labelled('Outcome', t().outcomes).map(([v, label]) => el('option', { value: v, text: label })));
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

export function triagePanel(c) {
  const boxes = state.categories.map(({ code }) => el('label', { class: 'row' },
    el('input', { type: 'checkbox', value: code, checked: c.categories.includes(code) }), category(code)));
  const urgency = el('select', { 'aria-label': t().urgency }, ...choices('Urgency').map((u) => el('option', { value: u, text: t()[u] || u, selected: u === c.urgency })));
  const reasons = el('ul', {}, (c.triage || []).flatMap((r) => r.matched.map((m) => el('li', { text: `${category(m.category)}: 「${m.found}」` }))));
  return el('details', { class: 'card' }, el('summary', { text: t().triage }), reasons,
    el('form', { class: 'stack', onsubmit: async (e) => {
      e.preventDefault();
      const categories = boxes.map((b) => b.querySelector('input')).filter((i) => i.checked).map((i) => i.value);
      await api('POST', `/cases/${c.id}/triage`, { categories, urgency: urgency.value }); openCase(c.id);
    } }, el('h3', { text: t().correct }), ...boxes, urgency, el('button', { class: 'secondary', type: 'submit', text: t().save })));
}

export async function handoffPanel(c) {
  const agencies = (await api('GET', '/agencies')).data.items;
  const list = el('ul', { id: 'handoff-list' });
  const showHandoffs = async () => {
    const done = (await api('GET', `/cases/${c.id}/handoffs`)).data?.items || [];
    const sharing = (h) => h.sharingConsent === true ? ` (${t().sharingYes})` : h.sharingConsent === false ? ` (${t().sharingNo})` : '';
    list.replaceChildren(...done.map((h) => el('li', {}, `${t().kinds[h.kind] || h.kind}${h.agency ? ' — ' + h.agency : ''}${sharing(h)} `,
      el('a', { href: `/api/handoffs/${h.id}/summary`, target: '_blank', rel: 'noopener', text: t().printSummary }))));
  };
  await showHandoffs();
  const kind = el('select', { id: 'handoff-kind' }, ...labelled('HandoffKind', t().kinds).map(([v, label]) => el('option', { value: v, text: label })));
  const when = el('input', { id: 'handoff-at', type: 'datetime-local' });
  const agency = el('select', { id: 'handoff-agency' }, el('option', { value: '', text: '—' }), ...agencies.map((a) => el('option', { value: a.id, text: a.name })));
  const sharing = el('select', { id: 'handoff-sharing' }, el('option', { value: '', text: '—' }),
    el('option', { value: 'yes', text: t().sharingYes }), el('option', { value: 'no', text: t().sharingNo }));
  const note = el('textarea', { id: 'handoff-note' });
  const message = el('textarea', { id: 'handoff-message' });
  const result = el('p', { role: 'status' });
  // Recorded, and confirmed to the resident, once per form however often pressed; only this form empties when it is
  // recorded, so a reply being typed stays.
  const press = sendsOnce({
    send: (draftId) => {
      // A consultation taken by phone or at the window has no channel: nothing goes to the resident.
      const body = c.noChannel ? { kind: kind.value, note: note.value } : { kind: kind.value, note: note.value, message: message.value };
      if (when.value) body.at = new Date(when.value).toISOString();
      if (agency.value) body.agencyId = Number(agency.value);
      if (sharing.value) body.sharingConsent = sharing.value === 'yes';
      return api('POST', `/cases/${c.id}/handoffs`, { ...body, draftId });
    },
    reread: showHandoffs, say: (text) => { result.textContent = text; },
    stored: () => { note.value = ''; message.value = ''; when.value = ''; sharing.value = ''; },
    texts: { unknown: t().handoffUnknown, already: t().handoffAlreadyRecorded, draftSent: t().handoffDraftSent } });
  return el('form', { class: 'card stack', onsubmit: (e) => {
    e.preventDefault();
    press(e.target.querySelector('button[type=submit]'));
  } }, el('h3', { text: t().handoff }), list,
  el('label', { for: 'handoff-kind', text: t().kind }), kind,
  el('label', { for: 'handoff-at', text: t().when }), when,
  el('label', { for: 'handoff-agency', text: t().agency }), agency,
  el('label', { for: 'handoff-sharing', text: t().sharingConsent }), sharing,
  el('label', { for: 'handoff-note', text: t().handoffNote }), note,
  c.noChannel ? null : el('label', { for: 'handoff-message', text: t().residentMessage }), c.noChannel ? null : message,
  el('button', { class: 'primary', type: 'submit', text: t().createHandoff }), result);
}
