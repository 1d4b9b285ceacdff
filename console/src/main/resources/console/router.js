// Which view the address shows.
import { state } from './state.js';
import { openCase } from './case.js';
import { loadQueue } from './queue.js';
import { loadReports } from './reports.js';
import { loadAudit } from './audit.js';
import { loadComplaints } from './complaints.js';
import { showRecordForm } from './record.js';
import { loadOverview } from './overview.js';

export function route() {
  if (state.pending) return; // the server allows nothing but the first-login step
  const m = location.hash.match(/^#\/case\/(\d+)/);
  if (m) openCase(Number(m[1]));
  else if (location.hash.startsWith('#/reports')) loadReports();
  else if (location.hash.startsWith('#/audit')) loadAudit();
  else if (location.hash.startsWith('#/complaints')) loadComplaints();
  else if (location.hash.startsWith('#/record')) showRecordForm();
  // The operator (法人本部) sees counts only: the offices' overview instead of a queue.
  else if (state.staff?.role === 'operator') loadOverview();
  else loadQueue();
}
