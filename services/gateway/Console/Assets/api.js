// The admin API, called with the console's session cookie; every change carries the session's CSRF token.
const csrf = document.querySelector('meta[name="csrf-token"]').content;

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.code = problem.error_code || null;
    this.errors = problem.errors || {};
  }
}

function signedOut() {
  location.assign('/console/login');
  return new ApiError(401, { detail: 'The console session has ended: sign in again.' });
}

/** method, path (/admin/...), optional JSON body -> { status, data } or throws ApiError (ProblemDetails). */
export async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (method !== 'GET') headers['X-CSRF-Token'] = csrf;
  const init = { method, headers, credentials: 'same-origin' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(path, init);
  if (res.status === 401) throw signedOut();
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = text; }
  if (!res.ok) throw new ApiError(res.status, data && typeof data === 'object' ? data : { detail: text || res.statusText });
  return { status: res.status, data };
}

/** A plain-text answer (container logs). */
export async function apiText(path) {
  const res = await fetch(path, { credentials: 'same-origin', headers: { Accept: 'text/plain, application/problem+json' } });
  if (res.status === 401) throw signedOut();
  const text = await res.text();
  if (!res.ok) {
    let problem = { detail: text };
    try { problem = JSON.parse(text); } catch { /* plain text */ }
    throw new ApiError(res.status, problem);
  }
  return text;
}

/** Server-Sent Events of the admin API; reconnects after a broken stream. Returns a function that stops it. */
export function stream(path, handlers, onState) {
  let source = null;
  let stopped = false;
  let retry = null;
  const open = () => {
    source = new EventSource(path, { withCredentials: true });
    source.onopen = () => onState && onState(true);
    for (const [event, handler] of Object.entries(handlers))
      source.addEventListener(event, e => handler(JSON.parse(e.data)));
    source.onerror = () => {
      onState && onState(false);
      if (source.readyState === EventSource.CLOSED && !stopped) {
        // refused (signed out?) or ended: ask once in a while, which also notices a lost session
        retry = setTimeout(async () => {
          try { await api('GET', '/admin/daemons'); } catch { /* api() handles a lost session */ }
          if (!stopped) open();
        }, 3000);
      }
    };
  };
  open();
  return () => { stopped = true; clearTimeout(retry); source && source.close(); };
}

export function signOut() {
  fetch('/console/logout', { method: 'POST', credentials: 'same-origin', headers: { 'X-CSRF-Token': csrf } })
    .finally(() => location.assign('/console/login'));
}
