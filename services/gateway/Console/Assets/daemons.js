// Deploy daemons: list, register (the CLI's checks and the registry's field messages), set default, check the
// connection, test deploy, registry remaps, unregister.
import { api } from './api.js';
import { h, clear, toast, busy, showErrors, ask } from './ui.js';
import { testDeployPanel } from './testdeploy.js';

export function daemonsPage(main) {
  const body = h('tbody', { id: 'daemons-body' });
  const panel = h('div', { id: 'daemon-panel' });
  const reload = async () => {
    try {
      const { data } = await api('GET', '/admin/daemons');
      clear(body).append(...data.map(d => daemonRow(d, reload, panel)));
      if (!data.length) body.append(h('tr', {}, h('td', { colspan: '8' }, 'No daemon yet: register one below.')));
    } catch (e) { toast(e.message, true); }
  };
  main.append(
    h('h1', {}, 'Daemons'),
    h('table', { id: 'daemons-table' },
      h('thead', {}, h('tr', {}, ['Daemon', 'Deploy id', 'Host', 'Network', 'Compute device', 'ExApps', 'Actions']
        .map(c => h('th', { scope: 'col' }, c)))), body),
    panel,
    h('h2', {}, 'Register a daemon'), registerForm(reload));
  reload();
  let stopPanel = null;
  panel.addEventListener('panel', e => { stopPanel && stopPanel(); stopPanel = e.detail; });
  return () => stopPanel && stopPanel();
}

function daemonRow(d, reload, panel) {
  const name = encodeURIComponent(d.name);
  const cfg = d.deploy_config || {};
  const device = typeof cfg.computeDevice === 'object' ? cfg.computeDevice?.id : cfg.computeDevice;
  const show = node => { clear(panel).append(node); panel.querySelector('h2')?.focus(); };
  return h('tr', { dataset: { daemon: d.name } },
    h('td', { 'data-label': 'Daemon' }, h('strong', {}, d.display_name), ` (${d.name}) `,
      d.is_default ? h('span', { class: 'badge ok', 'data-default': 'true' }, 'default') : null),
    h('td', { 'data-label': 'Deploy id' }, d.deploy_id),
    h('td', { 'data-label': 'Host' }, d.host.startsWith('/') ? `${d.host} (socket)` : `${d.protocol}://${d.host}`),
    h('td', { 'data-label': 'Network' }, cfg.net || ''),
    h('td', { 'data-label': 'Compute device' }, device || 'cpu'),
    h('td', { 'data-label': 'ExApps' }, String(d.apps_count)),
    h('td', { 'data-label': 'Actions' }, h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'secondary', 'data-action': 'check', 'aria-label': `Check ${d.name}`,
        onclick: e => busy(e.target, async () => {
          const { data } = await api('POST', `/admin/daemons/${name}/check`);
          show(h('div', { class: 'card', id: 'check-result', dataset: { reachable: String(data.reachable) } },
            h('h2', { tabindex: '-1' }, `Connection to ${d.name}`),
            h('p', { class: data.reachable ? '' : 'error' }, data.reachable ? 'Reachable. ' : 'Not reachable. ', data.message),
            data.api_version ? h('p', {}, `Engine API ${data.api_version}`) : null));
        }) }, 'Check'),
      h('button', { type: 'button', class: 'secondary', 'data-action': 'test-deploy', 'aria-label': `Test deploy on ${d.name}`,
        onclick: e => busy(e.target, async () => {
          const node = await testDeployPanel(d.name, true, reload);
          show(node);
          panel.dispatchEvent(new CustomEvent('panel', { detail: node.stop }));
        }) }, 'Test deploy'),
      d.is_default ? null : h('button', { type: 'button', class: 'secondary', 'data-action': 'default', 'aria-label': `Make ${d.name} the default`,
        onclick: e => busy(e.target, async () => { toast((await api('POST', `/admin/daemons/${name}/default`)).data.message); reload(); }) },
        'Set default'),
      h('button', { type: 'button', class: 'secondary', 'data-action': 'registries', 'aria-label': `Registry remaps of ${d.name}`,
        onclick: () => show(registriesPanel(d.name)) }, 'Registries'),
      h('button', { type: 'button', class: 'danger', 'data-action': 'unregister', 'aria-label': `Unregister ${d.name}`,
        onclick: e => unregister(d, e.target, reload, show) }, 'Unregister'))));
}

async function unregister(d, button, reload, show) {
  const ok = await ask(`Unregister daemon ${d.name}?`, h('p', {}, 'Its ExApps must be unregistered first.'),
    [{ label: 'Unregister', value: true, class: 'danger' }, { label: 'Cancel', value: null, class: 'secondary' }]);
  if (!ok) return;
  await busy(button, async () => {
    try {
      toast((await api('DELETE', `/admin/daemons?name=${encodeURIComponent(d.name)}`)).data.message);
      reload();
    } catch (e) {
      show(h('div', { class: 'card', id: 'unregister-refused' }, h('h2', { tabindex: '-1' }, `${d.name} was not unregistered`),
        h('p', { class: 'error', role: 'alert' }, e.message)));
    }
  });
}

function registriesPanel(daemon) {
  const name = encodeURIComponent(daemon);
  const list = h('ul', { class: 'results', id: 'registry-list' });
  const from = h('input', { id: 'reg-from', name: 'from', placeholder: 'ghcr.io' });
  const to = h('input', { id: 'reg-to', name: 'to', placeholder: 'registry.example.com (or local)' });
  const load = async () => {
    const { data } = await api('GET', `/admin/daemons/${name}/registries`);
    clear(list).append(...(data.length ? data.map(r => h('li', {}, `${r.from} → ${r.to}`,
      h('button', { type: 'button', class: 'secondary', 'aria-label': `Remove remap of ${r.from}`, onclick: e => busy(e.target, async () => {
        toast((await api('DELETE', `/admin/daemons/${name}/registries?from=${encodeURIComponent(r.from)}`)).data?.message || 'Removed');
        load();
      }) }, 'Remove'))) : [h('li', {}, 'No remaps: images are pulled from the registries their apps name.')]));
  };
  const form = h('form', { class: 'row' }, h('div', {}, h('label', { for: 'reg-from' }, 'From registry'), from),
    h('div', {}, h('label', { for: 'reg-to' }, 'To registry'), to), h('button', { type: 'submit' }, 'Add remap'));
  form.addEventListener('submit', async e => {
    e.preventDefault();
    try {
      const r = await api('POST', `/admin/daemons/${name}/registries`, { from: from.value.trim(), to: to.value.trim() });
      toast(r.data?.message || 'Remap added');
      from.value = to.value = '';
      load();
    } catch (err) { showErrors(form, err); }
  });
  load().catch(e => toast(e.message, true));
  return h('div', { class: 'card', id: 'registries' }, h('h2', { tabindex: '-1' }, `Registry remaps of ${daemon}`),
    h('p', { class: 'hint' }, 'Images of one registry are pulled from another (local: never pulled, must be on the engine).'), list, form);
}

/** The CLI's daemon:register, as a form: the same checks before sending, the registry's messages per field after. */
function registerForm(reload) {
  const field = (id, label, input, hint) => [h('label', { for: id }, label), input, hint ? h('p', { class: 'hint' }, hint) : null];
  const select = (id, options, value) => h('select', { id, name: id }, options.map(([v, l]) => h('option', { value: v, selected: v === value }, l)));
  const form = h('form', { id: 'register-form', class: 'card', novalidate: true },
    field('name', 'Name', h('input', { id: 'name', name: 'name', required: true, autocomplete: 'off' }), 'Unique deploy daemon name, e.g. docker_local'),
    field('display_name', 'Display name', h('input', { id: 'display_name', name: 'display_name', required: true })),
    field('accepts_deploy_id', 'Deploy method', select('accepts_deploy_id', [['docker-install', 'docker-install (the platform runs the containers)'],
      ['manual-install', 'manual-install (you run the ExApp yourself)']], 'docker-install')),
    field('protocol', 'Protocol', select('protocol', [['http', 'http'], ['https', 'https (TLS to the engine)']], 'http')),
    field('host', 'Host', h('input', { id: 'host', name: 'host', required: true, placeholder: '/var/run/docker.sock' }),
      'A Docker socket path (/var/run/docker.sock), a TCP engine or socket proxy as host:port (http), or a TLS engine (https)'),
    field('nextcloud_url', 'Nextcloud URL', h('input', { id: 'nextcloud_url', name: 'nextcloud_url', type: 'url', required: true,
      value: location.origin }), 'Handed to ExApps as NEXTCLOUD_URL (the gateway\'s address)'),
    field('net', 'Network', h('input', { id: 'net', name: 'net', placeholder: 'host' }), 'The Docker network of its ExApps (default host)'),
    field('haproxy_password', 'Socket proxy password', h('input', { id: 'haproxy_password', name: 'haproxy_password', type: 'password',
      autocomplete: 'new-password' }), 'Basic auth password of a Docker socket proxy (HAProxy); never shown again'),
    field('compute_device', 'Compute device', select('compute_device', [['cpu', 'cpu'], ['cuda', 'cuda'], ['rocm', 'rocm']], 'cpu')),
    field('auto_recover', 'When an enabled app\'s container dies or vanishes', select('auto_recover',
      [['none', 'none (report it)'], ['restart', 'restart'], ['redeploy', 'redeploy']], 'none')),
    h('div', { class: 'inline' }, h('label', { for: 'set_default' }, h('input', { type: 'checkbox', id: 'set_default', name: 'set_default' }),
      'Make it the default daemon')),
    h('button', { type: 'submit', id: 'register' }, 'Register'));
  form.addEventListener('submit', async e => {
    e.preventDefault();
    form.querySelectorAll('.field-error, .form-error').forEach(x => x.remove());
    const v = n => form.elements[n].value.trim();
    // The CLI's own checks, with its messages.
    const local = {};
    for (const [n, label] of [['name', 'name'], ['display_name', 'display-name'], ['host', 'host'], ['nextcloud_url', 'nextcloud_url']])
      if (!v(n)) local[n] = [`Not enough arguments (missing: "${label}").`];
    if (!['http', 'https'].includes(v('protocol'))) local.protocol = ['Value error: The protocol must be `http` or `https`.'];
    if (!['cpu', 'cuda', 'rocm'].includes(v('compute_device')))
      local.compute_device = [`Invalid compute device value "${v('compute_device')}": use one of cpu, cuda, rocm.`];
    if (Object.keys(local).length) { showErrors(form, { message: 'Please correct the marked fields.', errors: local }); return; }
    const body = {
      name: v('name'), display_name: v('display_name'), accepts_deploy_id: v('accepts_deploy_id'), protocol: v('protocol'),
      host: v('host'), nextcloud_url: v('nextcloud_url'), compute_device: v('compute_device'), auto_recover: v('auto_recover'),
      set_default: form.elements.set_default.checked,
    };
    if (v('net')) body.net = v('net');
    if (form.elements.haproxy_password.value) body.haproxy_password = form.elements.haproxy_password.value;
    const button = form.querySelector('#register');
    button.disabled = true;
    try {
      const { data } = await api('POST', '/admin/daemons', body);
      form.querySelectorAll('.field-error, .form-error').forEach(x => x.remove());
      toast(data?.skipped ? data.message : 'Daemon successfully registered.');
      if (!data?.skipped) form.reset();
      form.elements.nextcloud_url.value = location.origin;
      reload();
    } catch (err) { showErrors(form, err); }
    finally { button.disabled = false; }
  });
  return form;
}
