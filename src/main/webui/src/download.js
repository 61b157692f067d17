// Files the person takes away: made in the page (a JSON export, a CSV of what is on screen) or fetched with their token.
import { session } from './auth.js';

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
  const r = await fetch(path, { headers: session.token ? { Authorization: `Bearer ${session.token}` } : {} });
  if (!r.ok) return `The download was refused (${r.status}).`;
  saveText(name, await r.text(), r.headers.get('Content-Type') || 'text/csv');
  return null;
}

/** One CSV field, quoted when it must be (RFC 4180), with a leading apostrophe against spreadsheet formulas. */
export function csvField(value) {
  let s = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}
