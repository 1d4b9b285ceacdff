// A form's draft id: sent with every send of the form, so the same draft sent again after a lost answer is stored once.

/** A random (version 4) UUID: crypto.randomUUID exists only on HTTPS or localhost pages, getRandomValues everywhere. */
export function newDraftId() {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
