// Every app's view, live: one Server-Sent Events stream (GET /admin/watch/apps) for the whole console, fed by the
// registry as the platform changes the apps (PostgreSQL LISTEN/NOTIFY), so every open browser sees the same at once.
import { stream } from './api.js';

export const apps = new Map();
const listeners = new Set();
let started = false;

export function startLive() {
  if (started) return;
  started = true;
  const badge = document.getElementById('live');
  stream('/admin/watch/apps', {
    app: view => { apps.set(view.appid, view); notify(view.appid); },
    removed: ({ appid }) => { apps.delete(appid); notify(appid); },
  }, on => {
    badge.textContent = on ? 'live' : 'reconnecting…';
    badge.classList.toggle('on', on);
  });
}

/** fn(appid) on every change; returns a function that stops listening. */
export function onAppChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

function notify(appid) { for (const fn of listeners) fn(appid); }

const cap = s => s ? s[0].toUpperCase() + s.slice(1) : '';

/** What an app is doing, for people: state (also the row's data-state), label, progress 0..100 or null, detail. */
export function describe(app) {
  const op = app.current_operation;
  const s = app.status || {};
  if (op) {
    const d = app.deploy_detail && app.deploy_detail.operation_id === op.id ? app.deploy_detail : null;
    switch (op.step) {
      case 'requested': return { state: 'requested', label: `${cap(op.kind)} requested`, progress: null, detail: 'waiting for the lifecycle' };
      case 'deploying': return { state: 'deploying', label: 'Deploying', progress: s.deploy, detail: deployDetail(d, s.deploy) };
      case 'starting': return { state: 'starting', label: 'Starting the container', progress: null, detail: '' };
      case 'heartbeat': return { state: 'heartbeat', label: 'Waiting for the heartbeat', progress: null,
        detail: s.heartbeat_count ? `${s.heartbeat_count} failed tries so far` : 'waiting for an answer' };
      case 'init_visible': case 'calling_init': case 'initializing':
        return { state: 'init', label: 'Initializing', progress: s.init, detail: `init ${s.init} %` };
      case 'enable_visible': case 'enabling': return { state: 'enabling', label: 'Enabling', progress: null, detail: '' };
      case 'disabling': return { state: 'disabling', label: 'Disabling', progress: null, detail: '' };
      case 'stopping': return { state: 'stopping', label: 'Stopping the container', progress: null, detail: '' };
      case 'removing': return { state: 'removing', label: 'Removing', progress: null, detail: '' };
      default: return { state: op.step, label: `${cap(op.kind)}: ${op.step}`, progress: null, detail: '' };
    }
  }
  const last = app.last_operation;
  if (last && (last.outcome === 'failed' || last.outcome === 'refused'))
    return { state: 'failed', label: `${cap(last.kind)} ${last.outcome}`, progress: null, detail: last.error || s.error || '' };
  if (app.enabled) return { state: 'enabled', label: 'Enabled', progress: null, detail: '' };
  return { state: 'disabled', label: 'Disabled', progress: null, detail: s.error || '' };
}

function deployDetail(d, deploy) {
  if (!d) return `deploy ${deploy} %`;
  const sz = n => (n >= 1 << 20 ? (n / (1 << 20)).toFixed(1) + ' MiB' : n >= 1024 ? (n / 1024).toFixed(1) + ' KiB' : n + ' B');
  switch (d.stage) {
    case 'pulling': return d.total_bytes ? `pulling ${sz(d.pulled_bytes || 0)} of ${sz(d.total_bytes)}` : `pulling the image (${deploy} %)`;
    case 'pulled': return d.total_bytes ? `image pulled (${sz(d.total_bytes)})` : 'image already on the engine';
    case 'created': return 'container created';
    case 'starting': return 'starting the container';
    case 'running': return 'container running, waiting until healthy';
    default: return `deploy ${deploy} %`;
  }
}
