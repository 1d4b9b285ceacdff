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
 * - no answer (the line dropped, a restart) or a proxy's 5xx: the form may be stored, so the list is read again
 *   and the form keeps what was typed and its draft, which makes pressing again safe;
 * - stored (`accepted`, 201 by default): `stored(answer)` empties the form, which takes a new draft; the server's
 *   `alreadyRecorded` (the same draft sent before) is said, since nothing new was stored;
 * - `draft_sent` (this draft was stored before with other values): a new draft, so pressing again stores what the
 *   form holds now as another record;
 * - any other refusal: its message, the form kept.
 *
 * send(draftId) makes the request; reread() shows what is stored now; say(text) shows the outcome ('' clears it);
 * texts: { unknown, already, draftSent }. Returns the press handler, given the button to disable.
 */
export function sendsOnce({ send, reread, say, stored = () => {}, texts, accepted = 201 }) {
  let draftId = newDraftId();
  const unknown = async () => {
    const shown = reread().catch(() => {});
    say(texts.unknown);
    await shown;
  };
  return (button) => sendingWith(button, async () => {
    let answer;
    try {
      answer = await send(draftId);
    } catch (err) {
      if (err.message !== 'unauthenticated') await unknown(); // unauthenticated: the login screen is already shown
      return;
    }
    if (answer.status === accepted) {
      draftId = newDraftId();
      stored(answer);
      say(answer.data?.alreadyRecorded ? texts.already || '' : '');
      await reread();
    } else if (answer.data?.error === 'draft_sent') {
      draftId = newDraftId();
      await reread();
      say(texts.draftSent);
    } else if (answer.status >= 500) {
      // A gateway's own error rolled back, but a proxy's 502 or 504 says nothing of whether the gateway stored it.
      await unknown();
    } else say(answer.data?.message || String(answer.status));
  });
}
