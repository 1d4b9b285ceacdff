import { state, t } from './state.js';
import { $, el, takeTicket } from './dom.js';
import { api } from './api.js';

// The chief's view of the audit log: who read or tried to read which case, when, from where. Newest first, one page
// at a time; older pages are added below on request (the server pages by row id, so rows written meanwhile never
// shift or repeat a page).
export async function loadAudit() {
  const current = takeTicket();
  const caseId = sessionStorage.getItem('kg-audit-case') || '';
  const query = caseId ? '?caseId=' + encodeURIComponent(caseId) : '';
  const r = await api('GET', `/audit${query}`);
  if (!current()) return;
  if (r.status !== 200) { $('main').replaceChildren(el('p', { class: 'error', text: r.data?.message || String(r.status) })); return; }
  const filter = el('input', { type: 'number', id: 'audit-case', value: caseId, min: 1, 'aria-label': t().auditCase,
    onchange: (e) => { sessionStorage.setItem('kg-audit-case', e.target.value); loadAudit(); } });
  const body = el('tbody', {}, ...r.data.items.map(row));
  const older = el('button', { type: 'button', id: 'audit-older', class: 'secondary', text: t().auditOlder });
  const status = el('p', { class: 'error', role: 'alert', hidden: true });
  let next = r.data.next;
  older.hidden = next == null;
  older.onclick = async () => {
    older.disabled = true;
    const more = await api('GET', `/audit${query ? query + '&' : '?'}before=${encodeURIComponent(next)}`);
    if (!current()) return;
    older.disabled = false;
    if (more.status !== 200) { status.textContent = more.data?.message || String(more.status); status.hidden = false; return; }
    status.hidden = true;
    body.append(...more.data.items.map(row));
    next = more.data.next;
    older.hidden = next == null;
  };
  $('main').replaceChildren(el('section', { class: 'card' },
    el('div', { class: 'row' }, el('h2', { text: t().audit }), el('label', { for: 'audit-case', text: t().auditCase }), filter,
      el('a', { href: `/api/audit.csv${query}`, text: 'CSV' })),
    el('table', { 'aria-label': t().audit }, el('thead', {}, el('tr', {}, ...[t().when, t().loginId, 'No.', t().action, t().allowed, 'IP']
      .map((h) => el('th', { scope: 'col', text: h })))), body), status, older));
}

function row(a) {
  return el('tr', {}, el('td', { text: new Date(a.at).toLocaleString(state.lang) }),
    el('td', { text: a.login || '—' }), el('td', { text: a.caseId ? `KS-${a.caseId}` : '—' }), el('td', { text: a.action }),
    el('td', { text: a.allowed ? '○' : t().refused }), el('td', { text: a.remoteAddr || '' }));
}
