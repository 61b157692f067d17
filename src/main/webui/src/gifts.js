import { html, svg } from 'lit';
import { count } from './format.js';

// How a gift looks: small hand-drawn SVG per catalogue animation, shipped with the app. Emoji are not used:
// a browser without an emoji font (Debian's Chromium by default) draws them as empty boxes.
// Lines break inside tags, never between them: whitespace between SVG elements would count as the page's text.
const art = (body) => html`<svg class="art" viewBox="0 0 32 32" aria-hidden="true" focusable="false">${body}</svg>`;

const BOX = svg`<rect x="4" y="13" width="24" height="16" rx="2" fill="#ff2d6f"/><rect x="3" y="9" width="26" height="6" rx="1.5" fill="#ff6b93"/><rect
    x="14" y="9" width="4" height="20" fill="#ffd34d"/><path d="M16 9c-3-5-8-5-8-2s5 2 8 2c3 0 8 1 8-2s-5-3-8 2z" fill="none" stroke="#ffd34d" stroke-width="2"/>`;

const ICONS = {
  rose: svg`<path d="M16 17v13" stroke="#2e9d46" stroke-width="2.2"/><path d="M16 25c-4 0-6.5-2-7.5-4.5 3.5-.5 6.5 1 7.5 4.5z" fill="#3dbb57"/><path
    d="M7 8c0 6 4 9.5 9 9.5s9-3.5 9-9.5l-3.5 2L19 4l-3 3.5L13 4l-2.5 6z" fill="#e8244b"/><path
    d="M12.5 10.5c1-2.5 6-2.5 7 0s-1.5 3.5-3.5 3" fill="none" stroke="#9e0f2c" stroke-width="1.4" stroke-linecap="round"/>`,
  'finger-heart': svg`<path d="M16 12s-6-3.5-6-7a3 3 0 0 1 6-1 3 3 0 0 1 6 1c0 3.5-6 7-6 7z" fill="#ff4d7d"/><rect
    x="8" y="18" width="16" height="12" rx="5" fill="#f3b27a"/><path d="M12 19l3.5-5.5a1.8 1.8 0 0 1 3 1.8L17 19" fill="#f3b27a"/><path
    d="M12 23h9M12 26.5h9" stroke="#c9773e" stroke-width="1.3" stroke-linecap="round"/>`,
  perfume: svg`<rect x="13" y="2" width="6" height="5" rx="1" fill="#e0a81c"/><rect x="14.5" y="7" width="3" height="4" fill="#cfcfe0"/><rect
    x="6" y="11" width="20" height="19" rx="6" fill="#b565f5"/><rect x="10" y="15" width="3" height="10" rx="1.5" fill="#ecd4ff"/><circle
    cx="23" cy="5" r="1.2" fill="#d9b3ff"/><circle cx="27" cy="3" r="1.2" fill="#d9b3ff"/><circle cx="26.5" cy="7.5" r="1" fill="#d9b3ff"/>`,
  'hand-hearts': svg`<path d="M16 27S6 20.5 6 13.5a5 5 0 0 1 10-1.5 5 5 0 0 1 10 1.5C26 20.5 16 27 16 27z" fill="#ff5c8a"/><path
    d="M2 14c1 5 4 9 8.5 11.5L8.5 30C4 27.5 1.5 22 1 16z" fill="#f3b27a"/><path d="M30 14c-1 5-4 9-8.5 11.5l2 4.5c4.5-2.5 7-8 7.5-14z" fill="#f3b27a"/>`,
  sunglasses: svg`<path d="M1.5 11.5h29" stroke="#ffb703" stroke-width="2" stroke-linecap="round"/><path
    d="M3 11h11v4a5 5 0 0 1-5 5H8a5 5 0 0 1-5-5zm15 0h11v4a5 5 0 0 1-5 5h-1a5 5 0 0 1-5-5z" fill="#3b2a6b" stroke="#ffb703" stroke-width="1.5"/><path
    d="M5.5 13.5h3m12.5 0h3" stroke="#7dd3fc" stroke-width="1.6" stroke-linecap="round"/>`,
  'money-gun': svg`<rect x="18" y="3" width="11" height="6" rx="1" fill="#8fd694" transform="rotate(-14 23 6)"/><rect
    x="20" y="20" width="10" height="6" rx="1" fill="#8fd694" transform="rotate(18 25 23)"/><path
    d="M2 11h19v7H12l-2 9H5l2-9H2z" fill="#20a35a"/><circle cx="23.5" cy="6" r="1.4" fill="#20a35a"/><circle cx="25" cy="23" r="1.4" fill="#20a35a"/>`,
  galaxy: svg`<circle cx="16" cy="16" r="14" fill="#241b5c"/><path
    d="M16 16c3-1 4.5 3 1.5 5s-8.5 0-8.5-5 6-9.5 11.5-7.5 7 9.5 3 13.5" fill="none" stroke="#d38cff" stroke-width="2.2" stroke-linecap="round"/><circle
    cx="16" cy="16" r="2.3" fill="#fff3b0"/><circle cx="8" cy="9" r="1" fill="#fff"/><circle cx="24" cy="25" r="1" fill="#7dd3fc"/>`,
  lion: svg`<path d="M16 1 19 5.4 23.8 3.1 24.1 8.4 29.4 8.8 27.1 13.5 31.5 16.5 27.1 19.5 29.4 24.2 24.1 24.6 23.8 29.9 19 27.6 16 32 13 27.6 8.3 29.9 7.9 24.6 2.6 24.3 4.9 19.5 .5 16.5 4.9 13.5 2.6 8.7 7.9 8.4 8.2 3.1 13 5.4z"
    fill="#d9731a"/><circle cx="10.5" cy="10.5" r="2.4" fill="#ffc145"/><circle cx="21.5" cy="10.5" r="2.4" fill="#ffc145"/><circle
    cx="16" cy="17" r="8.5" fill="#ffc145"/><circle cx="12.5" cy="15" r="1.4" fill="#3b2200"/><circle cx="19.5" cy="15" r="1.4" fill="#3b2200"/><path
    d="M14 19h4l-2 2.5z" fill="#6b3a00"/><path d="M16 21.5c-.5 1.5-2.5 1.8-3.5.8m3.5-.8c.5 1.5 2.5 1.8 3.5.8" fill="none" stroke="#6b3a00" stroke-width="1.1"/>`,
  universe: svg`<circle cx="16" cy="16" r="8.5" fill="#7b61ff"/><path d="M10 12.5c4-1 9 .5 12.5 3" stroke="#a99bff" stroke-width="1.6" fill="none"/><ellipse
    cx="16" cy="16" rx="14.5" ry="4.5" fill="none" stroke="#ffb347" stroke-width="2" transform="rotate(-20 16 16)"/><circle
    cx="5" cy="6" r="1" fill="#fff"/><circle cx="27" cy="27" r="1" fill="#fff"/>`,
};

/** A gift's art (the generic gift box when the catalogue has an animation this client does not draw). */
export function icon(gift) {
  if (!gift) return art(BOX);
  const key = (gift.animationKey || gift.name || '').toLowerCase().replace(/^gifts\//, '').replace(/\s+/g, '-');
  return art(ICONS[key] || BOX);
}

export const coin = () => art(svg`<circle cx="16" cy="16" r="14" fill="#f5b301"/><circle cx="16" cy="16" r="10.5" fill="#ffd34d" stroke="#c98a00" stroke-width="1.5"/><path
    d="M16 9.5l1.9 4 4.4.5-3.3 3 .9 4.3-3.9-2.2-3.9 2.2.9-4.3-3.3-3 4.4-.5z" fill="#c98a00"/>`);

export const diamond = () => art(svg`<path d="M9 5h14l6 8-13 15L3 13z" fill="#5ad1f5"/><path
    d="M3 13h26M9 5l3 8 4 15 4-15 3-8m-11 8 4-8 4 8" fill="none" stroke="#1d8fc2" stroke-width="1.2" stroke-linejoin="round"/>`);

export const crown = () => art(svg`<path d="M4 25 3 9l7 6 6-9 6 9 7-6-1 16z" fill="#ffc83d" stroke="#c98a00" stroke-width="1.5" stroke-linejoin="round"/>`);

const plurals = new Intl.PluralRules('en');

/**
 * An amount of coins or diamonds as art and number; the word is there for screen readers and for copied text
 * (the art is hidden from them): the coin and "5" read "5 coins".
 */
function amount(picture, n, one, other) {
  return html`<span class="amount">${picture()}${count(n)}<span class="visually-hidden"> ${plurals.select(Number(n)) === 'one' ? one : other}</span></span>`;
}

export const coins = (n) => amount(coin, n, 'coin', 'coins');
export const diamonds = (n) => amount(diamond, n, 'diamond', 'diamonds');

/** The feed's tiers: a bigger tier gets a bigger, longer alert (see styles.css). */
export function tierClass(tier) {
  return `tier-${Math.max(1, Math.min(10, tier || 1))}`;
}
