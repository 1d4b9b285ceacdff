// Live case events (ids and states only, never text) from /api/events.
import { state, t } from './state.js';
import { $, el } from './dom.js';
import { api } from './api.js';
import { applyQueueEvent } from './queue.js';
import { applyCaseEvent } from './case.js';

// Every event a view updates from (typing is handled on its own). Each carries ids and, for a case command, the
// case's state after it: the queue row and the open case are patched, never read again as a whole.
const EVENTS = ['message.received', 'message.queued', 'message.sent', 'message.failed', 'message.unsent', 'case.triaged', 'case.claimed',
  'case.assigned', 'case.closed', 'case.reopened', 'case.merged', 'case.linked', 'complaint.recorded', 'handoff.created',
  'reply.retried', 'note.added'];

function dispatch(e) {
  const ev = JSON.parse(e.data);
  applyQueueEvent(ev);
  applyCaseEvent(ev);
}

export function listen() {
  if (state.events) state.events.close();
  state.events = new EventSource('/api/events');
  // The server ends the stream when the session ends; asking for the session shows the login screen and why.
  state.events.addEventListener('session-ended', () => {
    if (state.events) { state.events.close(); state.events = null; }
    api('GET', '/session', undefined, true).catch(() => {});
  });
  EVENTS.forEach((type) => state.events.addEventListener(type, dispatch));
  state.events.addEventListener('case.crisis', (e) => {
    const data = JSON.parse(e.data);
    const alert = $('alert');
    alert.replaceChildren(el('span', { text: `${t().crisisAlert}: ` }), el('a', { href: `#/case/${data.caseId}`, text: `KS-${data.caseId}` }));
    alert.hidden = false;
    if ($('sound').checked) beep();
    dispatch(e);
  });
  state.events.addEventListener('typing.resident', (e) => {
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
