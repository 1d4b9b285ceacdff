// The staff API under /api: JSON in and out, the CSRF token on every change.
import { state } from './state.js';

let unauthenticated = () => {};
// Who shows the login screen when the server says the session is over (set once by login.js).
export function whenUnauthenticated(handler) { unauthenticated = handler; }

// background: a request the console makes by itself (a refresh after a live event). The server does not count it
// as the user's activity, so a console left open on a shared PC still logs out after SESSION_IDLE_MINUTES.
export async function api(method, path, body, background) {
  const headers = { 'Content-Type': 'application/json' };
  if (method !== 'GET' && state.csrf) headers['X-CSRF-Token'] = state.csrf;
  if (background) headers['X-Kurashi-Background'] = '1';
  const res = await fetch('/api' + path, { method, headers, credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body) });
  const data = res.headers.get('Content-Type')?.includes('json') ? await res.json() : null;
  if (res.status === 401 && path !== '/login') { unauthenticated(data?.error); throw new Error('unauthenticated'); }
  return { status: res.status, data };
}

