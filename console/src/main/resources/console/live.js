// Live case events (ids and states only, never text) from /api/events.
import { state, t } from './state.js';
import { $, el } from './dom.js';
import { api } from './api.js';
import { applyQueueEvent, scheduleQueueReload } from './queue.js';
import { applyCaseEvent, fetchMessages, shownCase } from './case.js';

// Every event a view updates from (typing is handled on its own). Each carries ids and, for a case command, the
// case's state after it: the queue row and the open case are patched, never read again as a whole.
const EVENTS = ['message.received', 'message.queued', 'message.sent', 'message.failed', 'message.waiting', 'message.unsent', 'case.triaged', 'case.claimed',
  'case.assigned', 'case.closed', 'case.reopened', 'case.merged', 'case.linked', 'complaint.recorded', 'handoff.created',
  'reply.retried', 'note.added', 'attachment.stored'];

function dispatch(e) {
  const ev = JSON.parse(e.data);
  applyQueueEvent(ev);
  applyCaseEvent(ev);
}

// How long a console whose stream was refused waits before it listens again.
const LISTEN_AGAIN_MS = 15000;

// Events may have been missed: the gateway's bus between its instances was down (it says `resync`), or this stream
// dropped and came back. The queue is read again, and every message of the case shown (the thread's own list, not a
// read of the case: no audit row), so a reply sent or failed meanwhile shows its state.
function resync() {
  scheduleQueueReload();
  const shown = shownCase();
  if (shown) fetchMessages(shown, 0);
}
let everOpened = false;

export function listen() {
  if (state.events) state.events.close();
  const source = new EventSource('/api/events');
  state.events = source;
  // The server ends the stream when the session ends; asking for the session shows the login screen and why.
  source.addEventListener('session-ended', () => {
    if (state.events) { state.events.close(); state.events = null; }
    api('GET', '/session', undefined, true).catch(() => {});
  });
  // A stream answered with anything but 200 (401 when the session ended while the PC slept or the line was down,
  // 429 for one tab too many, 503 while the gateway restarts) is given up by the browser without a word, and the
  // case on screen would stay there. Ask for the session: a 401 shows the login screen; otherwise listen again later.
  source.addEventListener('error', () => {
    if (source.readyState !== EventSource.CLOSED || state.events !== source) return;
    state.events = null;
    const again = () => setTimeout(() => { if (state.csrf && !state.events) listen(); }, LISTEN_AGAIN_MS);
    api('GET', '/session', undefined, true).then(again, (err) => { if (err.message !== 'unauthenticated') again(); });
  });
  source.addEventListener('open', () => { if (everOpened) resync(); everOpened = true; });
  source.addEventListener('resync', resync);
  EVENTS.forEach((type) => source.addEventListener(type, dispatch));
  source.addEventListener('case.crisis', (e) => {
    const data = JSON.parse(e.data);
    const alert = $('alert');
    alert.replaceChildren(el('span', { text: `${t().crisisAlert}: ` }), el('a', { href: `#/case/${data.caseId}`, text: `KS-${data.caseId}` }));
    alert.hidden = false;
    if ($('sound').checked) beep();
    dispatch(e);
  });
  source.addEventListener('typing.resident', (e) => {
    const data = JSON.parse(e.data);
    const note = document.getElementById(`typing-${data.caseId}`);
    if (note) { note.textContent = t().typingResident; setTimeout(() => { note.textContent = ''; }, 4000); }
  });
}

function beep() {
  try {
    const ctx = new AudioContext(); const osc = ctx.createOscillator();
    osc.frequency.value = 880; osc.connect(ctx.destination); osc.start(); osc.stop(ctx.currentTime + 0.4);
  } catch (e) { /* sound is optional */ }
}
