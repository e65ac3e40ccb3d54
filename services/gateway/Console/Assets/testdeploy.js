// A daemon's test deploy: a small ExApp installed and removed again, each step shown as the platform reports it
// (GET /admin/daemons/{name}/test-deploy/watch, Server-Sent Events).
import { api, stream } from './api.js';
import { h, clear, time } from './ui.js';

const verdicts = { running: 'Running…', removing: 'Ended; removing the test app…', passed: 'Passed', failed: 'Failed' };

export async function testDeployPanel(daemon, start, onEnd) {
  const name = encodeURIComponent(daemon);
  if (start) await api('POST', `/admin/daemons/${name}/test-deploy`);
  const steps = h('ol', { class: 'steps', id: 'test-deploy-steps' });
  const verdict = h('p', { id: 'test-deploy-state', role: 'status', 'aria-live': 'polite' }, 'Starting…');
  const error = h('p', { class: 'error', id: 'test-deploy-error', hidden: true });
  const node = h('div', { class: 'card', id: 'test-deploy' }, h('h2', { tabindex: '-1' }, `Test deploy on ${daemon}`), verdict, error, steps);
  let ended = false;
  const stop = stream(`/admin/daemons/${name}/test-deploy/watch`, {
    'test-deploy': td => {
      node.dataset.state = td.state;
      node.dataset.appid = td.appid;
      verdict.textContent = `${verdicts[td.state] || td.state} (${td.appid}, started ${time(td.started_at)})`;
      const failed = td.steps.find(s => s.state === 'failed');
      error.hidden = td.state !== 'failed';
      error.textContent = td.state === 'failed'
        ? `Failed at ${failed ? failed.label : td.failed_step}: ${td.error || td.removal_error}` : '';
      clear(steps).append(...td.steps.map(s => h('li', { dataset: { step: s.name, state: s.state } },
        h('span', { class: 'label' }, s.label),
        h('span', { class: 'detail' }, s.state === 'pending' ? '' : `${s.state}${s.detail ? ' — ' + s.detail : ''}`))));
      if ((td.state === 'passed' || td.state === 'failed') && !ended) {
        ended = true;
        stop();
        onEnd && onEnd();
      }
    },
  });
  node.stop = stop;
  return node;
}
