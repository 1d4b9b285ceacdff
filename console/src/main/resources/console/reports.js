// The city's monthly report: the table staff send, two charts, and the CSV exports.
import { t, category, choices, routeLabel } from './state.js';
import { $, el, takeTicket } from './dom.js';
import { api } from './api.js';

function loadChartJs() {
  if (window.Chart) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const s = document.createElement('script');
    s.src = '/console/webjars/chart.js/4.5.1/dist/chart.umd.js';
    s.onload = resolve; s.onerror = reject;
    document.head.append(s);
  });
}

// The city's monthly report: the table staff send, two charts, and the CSV exports.
export async function loadReports() {
  const current = takeTicket();
  const now = new Date();
  const fy = Number(sessionStorage.getItem('kg-fy')) || (now.getMonth() >= 3 ? now.getFullYear() : now.getFullYear() - 1);
  // #/reports?office=kita: one office's report, or all of them (the operator's links); the caller's own by default.
  const office = new URLSearchParams(location.hash.split('?')[1] || '').get('office');
  const scope = office ? `&office=${encodeURIComponent(office)}` : '';
  const r = await api('GET', `/reports/monthly?fy=${fy}${scope}`);
  if (!current()) return;
  if (r.status !== 200) { $('main').replaceChildren(el('p', { class: 'error', text: r.data?.message || String(r.status) })); return; }
  const rep = r.data;
  const year = el('input', { type: 'number', id: 'fy', value: fy, min: 2000, max: 2100, 'aria-label': t().fiscalYear,
    onchange: (e) => { sessionStorage.setItem('kg-fy', e.target.value); loadReports(); } });
  const months = rep.months;
  const head = el('tr', {}, el('th', { scope: 'col', text: t().month }), el('th', { scope: 'col', text: t().newCases }),
    ...Object.keys(months[0].byChannel).map((c) => el('th', { scope: 'col', text: routeLabel(c) })),
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
    [t().cityRoutes, (m) => sumOf(m.byRoute, choices('StaffRoute'))],
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
    el('div', { class: 'row' }, el('h2', { text: t().reports }),
      rep.office ? el('span', { 'data-testid': 'report-office', text: rep.office.code === 'all' ? t().allOffices : rep.office.name }) : null, year,
      el('a', { href: `/api/reports/monthly.csv?fy=${fy}${scope}`, text: 'CSV (UTF-8)' }),
      el('a', { href: `/api/reports/monthly.csv?fy=${fy}&encoding=shift_jis${scope}`, text: 'CSV (Shift_JIS)' })),
    table), el('section', { class: 'card' }, el('h3', { text: t().cityFigures }), cityTable),
    el('section', { class: 'card' }, byMonth), el('section', { class: 'card' }, byCategory));
  try {
    await loadChartJs();
    const channels = Object.keys(months[0].byChannel);
    new window.Chart(byMonth, { type: 'bar', data: { labels: months.map((m) => m.month),
      datasets: channels.map((c) => ({ label: routeLabel(c), data: months.map((m) => m.byChannel[c]) })) },
      options: { animation: false, scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } } });
    const cats = Object.entries(rep.total.byCategory).filter(([, n]) => n > 0);
    new window.Chart(byCategory, { type: 'bar', data: { labels: cats.map(([k]) => category(k)),
      datasets: [{ label: t().categories, data: cats.map(([, n]) => n) }] }, options: { animation: false, indexAxis: 'y' } });
  } catch (e) { /* the table and the CSV work without the charts */ }
}
