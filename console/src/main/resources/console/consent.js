import { state, t } from './state.js';
import { el } from './dom.js';

// Consent to the privacy notice: until the resident agrees (LINE, mail) only safety handling runs, so staff must see
// it on the queue row and in the case header; once given, the notice version and time are shown.
export function consentBadge(consent) {
  if (!consent || consent.state === 'given') return null;
  return el('span', { class: 'badge consent-missing', 'data-testid': 'consent-missing', text: t().consentMissing });
}

export function consentLine(consent) {
  if (!consent) return null;
  if (consent.state === 'given') {
    return el('p', { class: 'meta', 'data-testid': 'consent',
      text: `${t().consentGiven}: ${t().consentVersion} ${consent.version} · ${new Date(consent.at).toLocaleString(state.lang)}` });
  }
  const older = consent.state === 'outdated' ? ` (${t().consentOutdated.replace('{version}', consent.version)})` : '';
  return el('p', { 'data-testid': 'consent' }, consentBadge(consent), ` ${t().consentMissingHelp}${older}`);
}
