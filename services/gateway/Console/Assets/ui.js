// DOM helpers: text is always set as text (never as HTML), so nothing the platform answers can run as script.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k in el && typeof v !== 'string') el[k] = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}

export function clear(el) { while (el.firstChild) el.firstChild.remove(); return el; }

export function toast(message, bad = false) {
  const t = h('div', { class: 'toast' + (bad ? ' bad' : ''), role: bad ? 'alert' : null }, message);
  document.getElementById('toasts').append(t);
  setTimeout(() => t.remove(), bad ? 12000 : 6000);
}

export function size(bytes) {
  if (bytes >= 1 << 30) return (bytes / (1 << 30)).toFixed(1) + ' GiB';
  if (bytes >= 1 << 20) return (bytes / (1 << 20)).toFixed(1) + ' MiB';
  if (bytes >= 1 << 10) return (bytes / (1 << 10)).toFixed(1) + ' KiB';
  return bytes + ' B';
}

export function time(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return d.toLocaleString(undefined, { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

/** Shows an API error on a form: one message per field next to its input (ProblemDetails `errors`), the rest on top. */
export function showErrors(form, error) {
  form.querySelectorAll('.field-error, .form-error').forEach(e => e.remove());
  form.querySelectorAll('[aria-invalid]').forEach(e => e.removeAttribute('aria-invalid'));
  const unplaced = [];
  for (const [field, messages] of Object.entries(error.errors || {})) {
    const input = form.querySelector(`[name="${CSS.escape(field)}"]`);
    const text = [].concat(messages).join(' ');
    if (input) {
      const id = `err-${field}`;
      input.setAttribute('aria-invalid', 'true');
      input.setAttribute('aria-describedby', id);
      input.insertAdjacentElement('afterend', h('p', { class: 'field-error', id, dataset: { field } }, text));
    } else unplaced.push(`${field}: ${text}`);
  }
  const top = h('p', { class: 'form-error error', role: 'alert' }, error.message, ...unplaced.map(u => [h('br'), u]));
  form.prepend(top);
  (form.querySelector('[aria-invalid]') || top).focus?.();
}

/** Runs an action for a button: disabled while it runs, errors as a toast. */
export async function busy(button, action) {
  button.disabled = true;
  try { return await action(); }
  catch (e) { toast(e.message, true); }
  finally { button.disabled = false; }
}

/** A modal question with buttons; resolves with the chosen value (null when dismissed with Escape). */
export function ask(title, body, choices) {
  return new Promise(resolve => {
    const dialog = h('dialog', { 'aria-labelledby': 'dialog-title' },
      h('h2', { id: 'dialog-title' }, title), body,
      h('div', { class: 'actions' }, choices.map(c =>
        h('button', { type: 'button', class: c.class || '', onclick: () => { dialog.close(); resolve(c.value); } }, c.label))));
    dialog.addEventListener('cancel', () => resolve(null));
    dialog.addEventListener('close', () => dialog.remove());
    document.body.append(dialog);
    dialog.showModal();
  });
}
