// A form's draft id: sent with every send of the form, so the same draft sent again after a lost answer is stored once.
import { sendingWith } from './dom.js';

/** A random (version 4) UUID: crypto.randomUUID exists only on HTTPS or localhost pages, getRandomValues everywhere. */
export function newDraftId() {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * The send of a form that must be stored once however often it is pressed (a double click, a resend after a lost
 * answer). Every form the console records with does the same, so it is written once, here:
 * - every send carries the form's draft id, and the button is disabled until the answer is shown;
 * - no answer (the line dropped, a restart), or a 5xx that is not the gateway's own (a proxy's 502 or 504, an HTML
 *   page): the form may be stored, so that is said, what is stored is read again (`reread`: the list, the thread; the
 *   record form has none) and the form keeps what was typed and its draft, which makes pressing again safe;
 * - stored (`accepted`: 201, 202 for replies): `stored(answer)` empties the form and a new draft begins; the server's
 *   `alreadyRecorded` (the same draft sent before) is said, since nothing new was stored;
 * - `draft_sent` (this draft was stored before with other values): said, and a new draft begins, so pressing again
 *   stores what the form holds now as another record;
 * - any other refusal, the gateway's own errors included: its message, the form kept.
 * What is said is said before the re-read, which may fail on a line that is failing: the words must not wait on it.
 *
 * send(draftId) makes the request; reread() shows what is stored now; say(text, kind) shows the outcome ('' clears
 * it), kind one of 'unknown', 'stored', 'draftSent', 'refused'; texts: { unknown, already, draftSent }. Returns the press handler, given the button to disable.
 */
export function sendsOnce({ send, reread, say, stored = () => {}, texts, accepted = 201 }) {
  let draftId = newDraftId();
  const shown = () => reread().catch(() => {});
  return (button) => sendingWith(button, async () => {
    let answer;
    try {
      answer = await send(draftId);
    } catch (err) {
      if (err.message === 'unauthenticated') return; // the login screen is already shown
      const rereading = shown();
      say(texts.unknown, 'unknown');
      await rereading;
      return;
    }
    if (answer.status === accepted) {
      draftId = newDraftId();
      stored(answer);
      say(answer.data?.alreadyRecorded ? texts.already || '' : '', 'stored');
      await shown();
    } else if (answer.data?.error === 'draft_sent') {
      draftId = newDraftId();
      say(texts.draftSent, 'draftSent');
      await shown();
    } else if (answer.status >= 500 && !answer.data?.error) {
      // Not the gateway's answer (it always answers in JSON): whether it stored the form is not known.
      const rereading = shown();
      say(texts.unknown, 'unknown');
      await rereading;
    } else say(answer.data?.message || String(answer.status), 'refused');
  });
}
