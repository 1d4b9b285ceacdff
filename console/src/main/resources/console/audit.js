import { state, t } from './state.js';
import { $, el, takeTicket } from './dom.js';
import { api } from './api.js';

// The chief's view of the audit log: who read or tried to read which case, when, from where.
export async function loadAudit() {
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
