// Files the person takes away: made in the page (a JSON export, a CSV of what is on screen) or fetched with their token.
import { session } from './auth.js';
import { plainly } from './messages.js';

/** Whether {@code path} is a path of this origin, as the browser itself reads it ("/\t/host" is "//host" to it). */
export function sameOrigin(path) {
  if (typeof path !== 'string' || !path.startsWith('/')) return false;
  try {
    return new URL(path, location.origin).origin === location.origin;
  } catch {
    return false;
  }
}

/** Hands the browser a file made in the page. */
export function saveText(name, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Fetches a download of the API (a CSV export) with the person's token, and hands it to the browser. Null, or the refusal. */
export async function saveDownload(path, name) {
  // the token goes to this service only: a path on this origin, never an address the answer could point elsewhere
  if (!sameOrigin(path)) return 'The download address is not one of this service.';
  let r;
  let text;
  try {
    r = await fetch(path, { headers: session.token ? { Authorization: `Bearer ${session.token}` } : {} });
    // (a download that broke off midway, cut by the service or the network, is said as such, never saved as if whole)
    if (r.ok) text = await r.text();
  } catch {
    return 'The download could not be completed (the connection was lost); try again.';
  }
  if (!r.ok) {
    const body = await r.json().catch(() => null);
    const e = body && body.errors && body.errors[0];
    const code = e && e.extensions && e.extensions.code;
    return `The download was refused: ${code ? plainly({ code, message: e.message }) : `the service answered ${r.status}.`}`;
  }
  saveText(name, text, r.headers.get('Content-Type') || 'text/csv');
  return null;
}

/**
 * One CSV field, by the server's rule (SettlementCsv.field): a leading apostrophe against spreadsheet formulas (a
 * plain number such as -5 stays a number), and quoted when it holds a separator of any locale's CSV (a comma, or the
 * semicolon or tab others split on), a quote or a line break, so a formula after one never becomes a cell of its own.
 */
export function csvField(value) {
  let s = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(s) && !/^-?\d+(\.\d+)?$/.test(s)) s = `'${s}`;
  return /[",;\t\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}
