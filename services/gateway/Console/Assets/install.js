// Install an ExApp: from the app store (search, pick), an info.xml URL or file, or a JSON description; with
// environment values and mounts. POST /admin/apps, as app:register does; the ExApps page shows the progress.
import { api } from './api.js';
import { h, toast, showErrors } from './ui.js';

/** The app info choice (store, info.xml URL, info.xml file, JSON), with `prefix` keeping ids apart. */
export function sourceFields(prefix, storeFirst) {
  const kinds = [['store', 'App store'], ['url', 'info.xml URL'], ['file', 'info.xml file'], ['json', 'JSON description']];
  const field = (kind, ...content) => h('div', { class: 'source', dataset: { source: kind }, hidden: kind !== 'store' }, ...content);
  const fs = h('fieldset', {},
    h('legend', {}, 'App info'),
    h('div', { class: 'inline', role: 'radiogroup' }, kinds.map(([k, label]) =>
      h('label', { for: `${prefix}-src-${k}` },
        h('input', { type: 'radio', name: `${prefix}-source`, id: `${prefix}-src-${k}`, value: k, checked: k === 'store' && storeFirst,
          onchange: () => fs.querySelectorAll('.source').forEach(s => { s.hidden = s.dataset.source !== k; }) }), label))),
    field('store', h('p', { class: 'hint' }, 'The app store\'s newest compatible release, verified (signature, certificate).')),
    field('url', h('label', { for: `${prefix}-url` }, 'info.xml URL'),
      h('input', { type: 'url', id: `${prefix}-url`, name: 'info_xml_url', placeholder: 'https://…/appinfo/info.xml' })),
    field('file', h('label', { for: `${prefix}-file` }, 'info.xml file'),
      h('input', { type: 'file', id: `${prefix}-file`, name: 'info_xml', accept: '.xml,text/xml,application/xml' })),
    field('json', h('label', { for: `${prefix}-json` }, 'JSON description (AppAPI\'s --json-info)'),
      h('textarea', { id: `${prefix}-json`, name: 'json_info', spellcheck: 'false' })));
  return fs;
}

/** The request body fields of the chosen source: {} (store), {info_xml_url}, {info_xml} or {json_info}. */
export async function readSource(form, prefix) {
  const kind = form.querySelector(`input[name="${prefix}-source"]:checked`)?.value || 'store';
  if (kind === 'url') return { info_xml_url: form.querySelector(`#${prefix}-url`).value.trim() };
  if (kind === 'file') {
    const file = form.querySelector(`#${prefix}-file`).files[0];
    if (!file) throw new Error('Choose an info.xml file.');
    return { info_xml: await file.text() };
  }
  if (kind === 'json') {
    try { return { json_info: JSON.parse(form.querySelector(`#${prefix}-json`).value) }; }
    catch (e) { throw new Error(`The JSON description is not valid JSON: ${e.message}`); }
  }
  return {};
}

export function installPage(main) {
  const daemon = h('select', { id: 'daemon', name: 'daemon' }, h('option', { value: '' }, 'the default daemon'));
  const appid = h('input', { id: 'appid', name: 'appid', required: true, autocomplete: 'off', pattern: '[A-Za-z0-9_\\-]{1,32}' });
  const envRows = h('div', { id: 'env-rows' });
  const mountRows = h('div', { id: 'mount-rows' });
  const form = h('form', { id: 'install-form', class: 'card', novalidate: true },
    h('label', { for: 'appid' }, 'App id'), appid,
    h('p', { class: 'hint' }, '1-32 letters, digits, _ or -; taken from an info.xml file or a store pick.'),
    h('label', { for: 'daemon' }, 'Daemon'), daemon,
    sourceFields('install', true),
    h('fieldset', {}, h('legend', {}, 'Environment values'),
      h('p', { class: 'hint' }, 'Values for variables the app declares (others are ignored).'), envRows,
      h('button', { type: 'button', class: 'secondary', id: 'add-env', onclick: () => envRows.append(envRow()) }, 'Add a value')),
    h('fieldset', {}, h('legend', {}, 'Mounts'), mountRows,
      h('button', { type: 'button', class: 'secondary', id: 'add-mount', onclick: () => mountRows.append(mountRow()) }, 'Add a mount')),
    h('button', { type: 'submit', id: 'install' }, 'Install'));

  const search = h('input', { type: 'search', id: 'store-search', name: 'search', maxlength: '100', placeholder: 'id, name, summary or category' });
  const results = h('ul', { class: 'results', id: 'store-results', 'aria-live': 'polite' });
  const storeForm = h('form', { class: 'card', id: 'store-form', role: 'search' },
    h('label', { for: 'store-search' }, 'Search the app store'),
    h('div', { class: 'row' }, search, h('button', { type: 'submit' }, 'Search')), results);
  storeForm.addEventListener('submit', async e => {
    e.preventDefault();
    results.replaceChildren(h('li', {}, 'Searching…'));
    try {
      const { data } = await api('GET', `/admin/catalog${search.value.trim() ? `?search=${encodeURIComponent(search.value.trim())}` : ''}`);
      results.replaceChildren(...(data.length ? data.map(app => h('li', {},
        h('div', {}, h('strong', {}, app.name), ` (${app.appid}) `, h('span', { class: 'hint' }, app.summary || ''),
          h('div', { class: 'hint' }, app.version ? `release ${app.version}` : 'no compatible release',
            app.installed_version ? ` · installed ${app.installed_version}` : '')),
        h('button', { type: 'button', class: 'secondary', disabled: !app.version || !!app.installed_version,
          'aria-label': `Pick ${app.appid}`, onclick: () => {
            appid.value = app.appid;
            form.querySelector('#install-src-store').click();
            appid.focus();
            toast(`${app.appid} picked: choose a daemon and values, then Install.`);
          } }, app.installed_version ? 'Installed' : 'Pick'))) : [h('li', {}, 'No app matches.')]));
    } catch (err) { results.replaceChildren(h('li', { class: 'error' }, err.message)); }
  });

  // An info.xml file or a JSON description names the app: take its id when none is typed yet.
  form.querySelector('#install-file').addEventListener('change', async e => {
    const file = e.target.files[0];
    if (!file || appid.value) return;
    const id = new DOMParser().parseFromString(await file.text(), 'application/xml').querySelector('info > id')?.textContent?.trim();
    if (id) appid.value = id;
  });

  form.addEventListener('submit', async e => {
    e.preventDefault();
    const button = form.querySelector('#install');
    button.disabled = true;
    try {
      const body = { appid: appid.value.trim(), ...(await readSource(form, 'install')) };
      if (daemon.value) body.daemon = daemon.value;
      const env = {};
      envRows.querySelectorAll('.row').forEach(r => {
        const name = r.querySelector('[name="env-name"]').value.trim();
        if (name) env[name] = r.querySelector('[name="env-value"]').value;
      });
      if (Object.keys(env).length) body.env = env;
      const mounts = [...mountRows.querySelectorAll('.row')].map(r => ({
        source: r.querySelector('[name="mount-source"]').value.trim(),
        target: r.querySelector('[name="mount-target"]').value.trim(),
        mode: r.querySelector('[name="mount-mode"]').value,
      })).filter(m => m.source || m.target);
      if (mounts.length) body.mounts = mounts;
      const { data } = await api('POST', '/admin/apps', body);
      const ignored = data.ignored_env?.length ? ` (ignored, not declared: ${data.ignored_env.join(', ')})` : '';
      toast(`Install of ${data.appid} on port ${data.port} requested${ignored}`);
      location.hash = '#/apps';
    } catch (err) {
      if (err.status) showErrors(form, err); else toast(err.message, true);
    } finally { button.disabled = false; }
  });

  main.append(h('h1', {}, 'Install an ExApp'), storeForm, form);
  api('GET', '/admin/daemons').then(({ data }) => data.forEach(d =>
    daemon.append(h('option', { value: d.name }, `${d.display_name} (${d.name})${d.is_default ? ' — default' : ''}`))))
    .catch(err => toast(err.message, true));
}

let rowCount = 0;
function envRow() {
  const n = ++rowCount;
  return h('div', { class: 'row' },
    h('div', {}, h('label', { for: `env-name-${n}` }, 'Name'), h('input', { id: `env-name-${n}`, name: 'env-name', autocomplete: 'off' })),
    h('div', {}, h('label', { for: `env-value-${n}` }, 'Value'), h('input', { id: `env-value-${n}`, name: 'env-value', autocomplete: 'off' })),
    h('button', { type: 'button', class: 'secondary', onclick: e => e.target.closest('.row').remove() }, 'Remove'));
}

function mountRow() {
  const n = ++rowCount;
  return h('div', { class: 'row' },
    h('div', {}, h('label', { for: `mount-source-${n}` }, 'Host path'), h('input', { id: `mount-source-${n}`, name: 'mount-source' })),
    h('div', {}, h('label', { for: `mount-target-${n}` }, 'Container path'), h('input', { id: `mount-target-${n}`, name: 'mount-target' })),
    h('div', {}, h('label', { for: `mount-mode-${n}` }, 'Mode'),
      h('select', { id: `mount-mode-${n}`, name: 'mount-mode' }, h('option', { value: 'rw' }, 'read-write'), h('option', { value: 'ro' }, 'read-only'))),
    h('button', { type: 'button', class: 'secondary', onclick: e => e.target.closest('.row').remove() }, 'Remove'));
}
