import { html } from 'lit';

/**
 * A button for an action that cannot be taken back (an erasure, a retirement, ending a stream, a new secret): the first
 * press arms it, showing what it will do and Cancel; the second does it, once. `host` is the view: its `arming` state
 * (a reactive property) names the armed action; `key` names this one. Focus follows: to Cancel when armed (a held Enter
 * then confirms nothing), back to the button on Cancel (a keyboard or screen reader user was left on the page's body).
 */
export function twoStep(host, key, { label, ariaLabel, confirm, run, disabled = false }) {
  if (host.arming === key) {
    return html`<span class="row" role="group" aria-label=${ariaLabel || label}>
      <button class="secondary" data-armed=${key} @click=${async (e) => { e.currentTarget.disabled = true; host.arming = null; await run(); }}>${confirm}</button>
      <button class="secondary outline" data-disarm=${key} @click=${() => { host.arming = null; focusLater(host, `[data-arm="${CSS.escape(key)}"]`); }}>Cancel</button></span>`;
  }
  return html`<button class="secondary outline" data-arm=${key} ?disabled=${disabled} aria-label=${ariaLabel || label}
    @click=${() => { host.arming = key; focusLater(host, `[data-disarm="${CSS.escape(key)}"]`); }}>${label}</button>`;
}

function focusLater(host, selector) {
  host.updateComplete.then(() => {
    const target = (host.renderRoot || host).querySelector(selector);
    if (target) target.focus();
  });
}
