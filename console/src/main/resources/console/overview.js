// The operator's (法人本部) page: every office's queue as counts and a link to each office's monthly report, and to
// all offices together. Counts only: the operator never sees a case.
import { t } from './state.js';
import { $, el, takeTicket } from './dom.js';
import { api } from './api.js';

function waitedFor(iso) {
  if (!iso) return '—';
  const minutes = Math.max(0, Math.round((Date.now() - new Date(iso).getTime()) / 60000));
  return minutes < 60 ? `${minutes}${t().minutes}` : minutes < 1440 ? `${Math.floor(minutes / 60)}${t().hours}`
    : `${Math.floor(minutes / 1440)}${t().days}`;
}

export async function loadOverview() {
  const current = takeTicket();
  const r = await api('GET', '/offices/overview');
  if (!current()) return;
  if (r.status !== 200) { $('main').replaceChildren(el('p', { class: 'error', text: r.data?.message || String(r.status) })); return; }
  const line = (name, code, o) => el('tr', { 'data-office': code },
    el('th', { scope: 'row', text: name }),
    el('td', { text: String(o.open) }), el('td', { text: String(o.crisis) }), el('td', { text: String(o.waiting) }),
    el('td', { class: o.crisisWaiting > 0 ? 'late' : undefined, text: String(o.crisisWaiting) }),
    el('td', { text: waitedFor(o.oldestWaitingSince) }),
    el('td', {}, el('a', { href: `#/reports?office=${encodeURIComponent(code)}`, text: t().reports })));
  const table = el('table', { 'aria-label': t().offices, 'data-testid': 'offices' },
    el('thead', {}, el('tr', {}, ...[t().office, t().openCases, t().crisis, t().waitingCases, t().crisisWaiting,
      t().oldestWaiting, t().reports].map((h) => el('th', { scope: 'col', text: h })))),
    el('tbody', {}, r.data.items.map((o) => line(`${o.name} (${o.code})`, o.code, o)),
      line(t().allOffices, 'all', r.data.total)));
  $('main').replaceChildren(el('section', { class: 'card' }, el('h2', { text: t().offices }),
    el('p', { text: t().officesHelp }), table));
}
