// The ExApps page: every app with its state and live progress (the shared stream of live.js), and its actions.
import { api } from './api.js';
import { h, clear, toast, busy, ask } from './ui.js';
import { apps, onAppChange, describe } from './live.js';
import { sourceFields, readSource } from './install.js';

export function appsPage(main) {
  const body = h('tbody', { id: 'apps-body' });
  const empty = h('p', { class: 'hint', id: 'apps-empty' }, 'No ExApps yet: install one.');
  main.append(
    h('h1', {}, 'ExApps'),
    h('p', { class: 'hint' }, 'Progress and state change here as the platform works, in every open console.'),
    h('table', { id: 'apps-table' },
      h('thead', {}, h('tr', {}, ['ExApp', 'Version', 'Daemon', 'Port', 'Status', 'Health', 'Actions'].map(c => h('th', { scope: 'col' }, c)))),
      body),
    empty);
  const rows = new Map();
  const render = appid => {
    const app = apps.get(appid);
    const old = rows.get(appid);
    if (!app) { old && old.remove(); rows.delete(appid); }
    else {
      const row = appRow(app);
      if (old) old.replaceWith(row);
      else {
        const next = [...rows.keys()].sort().find(id => id > appid);
        body.insertBefore(row, next ? rows.get(next) : null);
      }
      rows.set(appid, row);
    }
    empty.hidden = rows.size > 0;
  };
  [...apps.keys()].sort().forEach(render);
  empty.hidden = rows.size > 0;
  return onAppChange(render);
}

/** The live status cell: a label, a progress bar while deploying or initializing, and what it is waiting for. */
export function statusCell(app) {
  const d = describe(app);
  return h('div', { class: 'status' },
    h('span', { class: 'state' }, d.label),
    d.progress !== null && d.progress !== undefined
      ? h('progress', { max: 100, value: d.progress, 'aria-label': `${d.label} ${d.progress} %` }, `${d.progress} %`) : null,
    d.detail ? h('span', { class: 'detail' }, d.detail) : null);
}

export function healthBadge(app) {
  if (!app.health) return '';
  const kind = app.health.state === 'ok' ? 'ok' : app.health.state === 'restarting' ? 'warn' : 'bad';
  return h('span', { class: `badge ${kind}`, title: app.health.reason || '' }, app.health.state + (app.health.reason ? `: ${app.health.reason}` : ''));
}

function appRow(app) {
  const d = describe(app);
  return h('tr', { dataset: { appid: app.appid, state: d.state } },
    h('td', { 'data-label': 'ExApp' }, h('a', { href: `#/apps/${encodeURIComponent(app.appid)}` }, app.appid),
      app.name && app.name !== app.appid ? h('div', { class: 'hint' }, app.name) : null),
    h('td', { 'data-label': 'Version' }, app.version),
    h('td', { 'data-label': 'Daemon' }, app.daemon_config_name),
    h('td', { 'data-label': 'Port' }, String(app.port)),
    h('td', { 'data-label': 'Status' }, statusCell(app)),
    h('td', { 'data-label': 'Health' }, healthBadge(app)),
    h('td', { 'data-label': 'Actions' }, appActions(app)));
}

/** Enable or disable, update, unregister: buttons that call the admin API; the stream shows what follows. */
export function appActions(app) {
  const busyNow = !!app.current_operation;
  const id = encodeURIComponent(app.appid);
  const toggle = app.enabled
    ? h('button', { type: 'button', class: 'secondary', disabled: busyNow, 'data-action': 'disable', 'aria-label': `Disable ${app.appid}`,
        onclick: e => busy(e.target, async () => toast((await api('POST', `/admin/apps/${id}/disable`)).data?.message || 'Disabled')) }, 'Disable')
    : h('button', { type: 'button', class: 'secondary', disabled: busyNow, 'data-action': 'enable', 'aria-label': `Enable ${app.appid}`,
        onclick: e => busy(e.target, async () => {
          const r = await api('POST', `/admin/apps/${id}/enable`);
          toast(r.data?.message || `Enable of ${app.appid} requested`);
        }) }, 'Enable');
  return h('div', { class: 'actions' }, toggle,
    h('button', { type: 'button', class: 'secondary', disabled: busyNow, 'data-action': 'update', 'aria-label': `Update ${app.appid}`,
      onclick: () => updateDialog(app) }, 'Update'),
    h('button', { type: 'button', class: 'danger', 'data-action': 'unregister', 'aria-label': `Unregister ${app.appid}`,
      onclick: e => unregister(app, e.target) }, 'Unregister'));
}

async function unregister(app, button) {
  const rmData = h('input', { type: 'checkbox', id: 'rm-data', name: 'rm_data' });
  const force = h('input', { type: 'checkbox', id: 'force', name: 'force' });
  const choice = await ask(`Unregister ${app.appid}?`, h('div', {},
    h('p', {}, 'Its container is removed. Its data volume is kept unless you remove it too.'),
    h('div', { class: 'inline' }, h('label', { for: 'rm-data' }, rmData, 'Also remove its data')),
    h('div', { class: 'inline' }, h('label', { for: 'force' }, force, 'Force (remove the records even if the container cannot be removed)'))),
    [{ label: 'Unregister', value: 'yes', class: 'danger' }, { label: 'Cancel', value: null, class: 'secondary' }]);
  if (choice !== 'yes') return;
  await busy(button, async () => {
    const r = await api('DELETE', `/admin/apps/${encodeURIComponent(app.appid)}?rm_data=${rmData.checked}&force=${force.checked}`);
    toast(r.data?.message || `${app.appid} unregistered`);
  });
}

async function updateDialog(app) {
  const form = h('form', { id: 'update-form' }, h('p', { class: 'hint' },
    'Without app info, the app store\'s newest compatible release is installed (when it is newer).'), sourceFields('update', true));
  const choice = await ask(`Update ${app.appid}`, form, [{ label: 'Update', value: 'yes' }, { label: 'Cancel', value: null, class: 'secondary' }]);
  if (choice !== 'yes') return;
  try {
    const body = await readSource(form, 'update');
    const r = await api('POST', `/admin/apps/${encodeURIComponent(app.appid)}/update`, body);
    toast(r.data?.message || `Update of ${app.appid} to ${r.data?.to_version} requested`);
  } catch (e) { toast(e.message, true); }
}

export { clear };
