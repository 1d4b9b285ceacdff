// The console's shared state, and its words in the language chosen (Japanese first, English available).
import { TEXTS } from './i18n.js';

export const state = { lang: localStorage.getItem('kg-lang') || 'ja', csrf: null, staff: null, categories: [], enums: {},
  queue: [], queueNext: null, queueCounts: {}, queueTotal: 0, channels: [], channelNames: [], selected: 0, events: null, typingTimer: null, lastTyping: 0 };
export const t = () => TEXTS[state.lang];
// A category's label in the console's language (Japanese first; the code itself for one the server no longer knows).
export const category = (code) => { const c = state.categories.find((i) => i.code === code);
  return c ? (state.lang === 'en' && c.labelEn) || c.label : code; };
// An installed channel's name (GET /api/meta: the channels' own words), or null for a code that is not a channel.
export const channelLabel = (code) => { const c = state.channelNames.find((i) => i.code === code);
  return c ? (state.lang === 'en' && c.labelEn) || c.label : null; };
export const routeLabel = (code) => t().routes[code] || channelLabel(code) || code;
// A list of the API's contract (GET /api/meta), e.g. choices('Urgency'): the console keeps no copy of its own.
export const choices = (name) => state.enums[name] || [];
// [value, label] pairs of a contract list, labelled in the console's language (the code itself for a new value).
export const labelled = (name, labels) => choices(name).map((v) => [v, labels[v] || channelLabel(v) || v]);
