// One ExApp: its live status and actions, its timeline (GET /admin/apps/{appid}/events, read again whenever the app
// changes) and its container logs (tail, and follow: read again every few seconds).
import { api, apiText } from './api.js';
import { h, clear, time, busy } from './ui.js';
import { apps, onAppChange, describe } from './live.js';
import { statusCell, healthBadge, appActions } from './apps.js';

export function appPage(main, appid) {
  const id = encodeURIComponent(appid);
  const summary = h('div', { class: 'card', id: 'app-summary' });
  const timeline = h('ol', { class: 'timeline', id: 'timeline', 'aria-live': 'polite' });
  const logs = h('pre', { class: 'logs', id: 'logs', tabindex: '0', 'aria-label': 'Container logs' }, 'Load the logs to see them here.');
  const tail = h('input', { type: 'number', id: 'tail', name: 'tail', min: '1', max: '10000', value: '200' });
  const follow = h('input', { type: 'checkbox', id: 'follow', name: 'follow' });
  const logState = h('span', { class: 'hint', id: 'logs-state', role: 'status' });
  main.append(
    h('p', {}, h('a', { href: '#/apps' }, '← All ExApps')),
    h('h1', {}, appid), summary,
    h('h2', {}, 'Timeline'), h('p', { class: 'hint' }, 'What happened to this app and when, newest last.'), timeline,
    h('h2', {}, 'Logs'),
    h('div', { class: 'row' },
      h('div', {}, h('label', { for: 'tail' }, 'Lines from the end'), tail),
      h('button', { type: 'button', id: 'load-logs', onclick: e => busy(e.target, loadLogs) }, 'Load logs'),
      h('div', { class: 'inline' }, h('label', { for: 'follow' }, follow, 'Follow (every 3 s)')), logState),
    logs);

  const renderSummary = () => {
    const app = apps.get(appid);
    clear(summary);
    if (!app) { summary.append(h('p', {}, 'This ExApp is not registered (any more).')); return; }
    summary.dataset.state = describe(app).state;
    summary.append(
      h('p', {}, `${app.name} · version ${app.version} · daemon ${app.daemon_config_name} · port ${app.port}`),
      statusCell(app), h('p', {}, healthBadge(app)), appActions(app));
  };

  let pending = null;
  const loadTimeline = async () => {
    try {
      const { data } = await api('GET', `/admin/apps/${id}/events?limit=200`);
      clear(timeline).append(...data.map(e => h('li', { dataset: { kind: e.kind, outcome: e.data?.outcome || '' } },
        h('time', { datetime: e.at }, time(e.at)), h('span', {}, e.message))));
    } catch (e) {
      clear(timeline).append(h('li', {}, e.status === 404 ? 'This ExApp is not registered (any more).' : e.message));
    }
  };
  async function loadLogs() {
    const n = Math.max(1, Math.min(10000, parseInt(tail.value, 10) || 200));
    try {
      logs.textContent = await apiText(`/admin/apps/${id}/logs?tail=${n}`) || '(no output yet)';
      logState.textContent = `read at ${new Date().toLocaleTimeString()}`;
      logs.scrollTop = logs.scrollHeight;
    } catch (e) { logState.textContent = e.message; }
  }
  let timer = null;
  follow.addEventListener('change', () => {
    clearInterval(timer);
    if (follow.checked) { loadLogs(); timer = setInterval(loadLogs, 3000); }
  });

  renderSummary();
  loadTimeline();
  const stop = onAppChange(changed => {
    if (changed !== appid) return;
    renderSummary();
    clearTimeout(pending);
    pending = setTimeout(loadTimeline, 300); // a burst of changes reads the timeline once
  });
  return () => { stop(); clearInterval(timer); clearTimeout(pending); };
}
