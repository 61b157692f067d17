// Every amount and time is formatted by Intl, in the viewer's locale and time zone.
const moneyFormats = new Map();

/** A Money { amount: "4.99", currency: "USD" } as the viewer reads money. */
export function money(m) {
  if (!m) return '';
  let f = moneyFormats.get(m.currency);
  if (!f) {
    f = new Intl.NumberFormat(undefined, { style: 'currency', currency: m.currency });
    moneyFormats.set(m.currency, f);
  }
  return f.format(Number(m.amount));
}

/**
 * An amount in a currency's minor units (a ledger line of real money: 499 USD is $4.99), as the viewer reads money: the
 * currency's own number of decimals (none for JPY, three for BHD).
 */
export function minorMoney(minor, currency) {
  const digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits;
  return money({ amount: Number(minor) / 10 ** digits, currency });
}

const integer = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });

/** A whole number of coins or diamonds (the API sends them as exact integers). */
export function count(n) {
  return n === null || n === undefined ? '' : integer.format(Number(n));
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const time = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });

export function when(iso) {
  return iso ? dateTime.format(new Date(iso)) : '';
}

const utcDate = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' });

/** A calendar day the API sends as "2026-12-07" (a UTC day), as the viewer reads dates. */
export function day(isoDay) {
  return isoDay ? utcDate.format(new Date(`${isoDay}T00:00:00Z`)) : '';
}

export function clock(iso) {
  return iso ? time.format(new Date(iso)) : '';
}

const utcDay = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });

/** UTC calendar days from `from` up to (not including) `until`, as "Mar 3 – 9" (a report's days are UTC days). */
export function days(from, until) {
  const last = new Date(Date.parse(until) - 86400000);
  return utcDay.formatRange(new Date(from), last < new Date(from) ? new Date(from) : last);
}

export const percent = (p) => `${p}%`;

const plurals = new Intl.PluralRules('en');

/** "1 gift", "3 gifts": the count formatted (the viewer's locale), and the word English plural rules choose (the words are English). */
export function counted(n, one, other) {
  return `${count(n)} ${plurals.select(Number(n)) === 'one' ? one : other}`;
}

/** A time zone Intl accepts: the API's zone id ("Europe/Paris", or an offset such as "Z" or "+02:00"), else undefined (the browser's). */
export function timeZone(id) {
  if (!id) return undefined;
  const zone = id === 'Z' ? 'UTC' : id;
  try {
    new Intl.DateTimeFormat(undefined, { timeZone: zone });
    return zone;
  } catch {
    return undefined;
  }
}

/** An <input type="datetime-local"> value (the person's zone) as an ISO instant, or null when empty. */
export function instant(local) {
  return local ? new Date(local).toISOString() : null;
}
