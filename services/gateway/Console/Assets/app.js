// The console's pages, one per hash route: #/apps, #/apps/<appid>, #/install, #/daemons.
import { signOut } from './api.js';
import { startLive } from './live.js';
import { appsPage } from './apps.js';
import { appPage } from './appdetail.js';
import { installPage } from './install.js';
import { daemonsPage } from './daemons.js';

const main = document.getElementById('main');
let leave = null;

function route() {
  const hash = location.hash || '#/apps';
  const [, page, arg] = hash.match(/^#\/([a-z]+)\/?(.*)$/) || [null, 'apps', ''];
  if (leave) { leave(); leave = null; }
  main.replaceChildren();
  document.querySelectorAll('.top nav a').forEach(a =>
    a.toggleAttribute('aria-current', a.dataset.page === page) && a.setAttribute('aria-current', 'page'));
  const pages = {
    apps: () => arg ? appPage(main, decodeURIComponent(arg)) : appsPage(main),
    install: () => installPage(main),
    daemons: () => daemonsPage(main),
  };
  leave = (pages[page] || pages.apps)() || null;
  document.title = `${main.querySelector('h1')?.textContent || 'ExApps'} · ExApps console`;
  main.focus();
}

document.getElementById('logout').addEventListener('click', signOut);
window.addEventListener('hashchange', route);
startLive();
route();
