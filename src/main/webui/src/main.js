import './styles.css';
import { LitElement, html } from 'lit';
import { keyed } from 'lit/directives/keyed.js';
import { query, watch, subscribe, onConnectionStatus, onReconnect, errorCode } from './api.js';
import { plainly } from './messages.js';
import { session, restore, devSignIn, signOut, signInWithProvider, onSessionChange, DEMO_USERS } from './auth.js';
import { money, count } from './format.js';
import { coin } from './gifts.js';
import ClientConfig from './graphql/ClientConfig.graphql?raw';
import Me from './graphql/Me.graphql?raw';
import Wallet from './graphql/Wallet.graphql?raw';

/** What the header says of the live connection when it is not simply up. */
const STATUS = {
  reconnecting: 'Reconnecting…',
  busy: 'Live updates paused: connecting again shortly',
  expired: 'Live updates stopped: sign in again',
};
import WalletChanged from './graphql/WalletChanged.graphql?raw';

/** Light-DOM Lit element: the page's one stylesheet (Pico + ours) applies inside. */
export class View extends LitElement {
  createRenderRoot() {
    return this;
  }
}

const ROUTES = [
  [/^\/$/, 'cs-live', () => import('./views/live.js')],
  [/^\/stream\/([\w-]+)$/, 'cs-room', () => import('./views/room.js')],
  [/^\/store$/, 'cs-store', () => import('./views/store.js')],
  [/^\/wallet$/, 'cs-wallet', () => import('./views/wallet.js')],
  [/^\/spending$/, 'cs-spending', () => import('./views/spending.js')],
  [/^\/studio$/, 'cs-studio', () => import('./views/studio.js')],
  [/^\/admin$/, 'cs-admin', () => import('./views/admin.js')],
  [/^\/overlay\/([\w-]+)$/, 'cs-overlay', () => import('./views/overlay.js')],
  [/^\/overlay$/, 'cs-overlay', () => import('./views/overlay.js')],
  [/^\/leaderboards$/, 'cs-leaderboards', () => import('./views/leaderboards.js')],
  [/^\/account$/, 'cs-account', () => import('./views/account.js')],
];

export function navigate(path) {
  history.pushState(null, '', path);
  window.dispatchEvent(new Event('cs-navigate'));
}

class App extends View {
  static properties = { route: { state: true }, me: { state: true }, wallet: { state: true }, status: { state: true }, ready: { state: true }, callerProblem: { state: true } };

  constructor() {
    super();
    this.status = 'connecting';
    this.ready = false;
    window.addEventListener('popstate', () => this.resolve());
    window.addEventListener('cs-navigate', () => this.resolve(true));
    document.addEventListener('click', (e) => {
      const a = e.target.closest && e.target.closest('a[href^="/"]');
      if (a && !a.target && !e.ctrlKey && !e.metaKey && !a.hasAttribute('download')) {
        e.preventDefault();
        navigate(a.getAttribute('href'));
      }
    });
  }

  async connectedCallback() {
    super.connectedCallback();
    onConnectionStatus((s) => (this.status = s));
    onSessionChange(() => this.loadCaller());
    const config = await query(ClientConfig);
    session.config = config.data ? config.data.clientConfig : { devSignIn: false, sandboxCards: [] };
    await restore(session.config);
    await this.loadCaller();
    this.ready = true;
    this.resolve();
  }

  async loadCaller() {
    if (this.stopWallet) this.stopWallet();
    if (this.stopWalletFeed) this.stopWalletFeed();
    if (this.stopWalletReconnect) this.stopWalletReconnect();
    this.me = null;
    this.wallet = null;
    if (!session.token) return this.requestUpdate();
    const me = await query(Me);
    this.me = me.data ? me.data.me : null;
    session.me = this.me;
    this.callerProblem = null;
    if (!this.me) {
      const code = errorCode(me);
      const first = me.error && me.error.graphQLErrors && me.error.graphQLErrors[0];
      if (code === 'UNAUTHENTICATED') {
        // the service refuses this token (expired, or the account erased): signed out here too, with the service's reason
        session.token = null;
        session.user = null;
        session.signInProblem = (first && first.message) || 'Your session ended. Sign in again.';
      } else if (code) {
        // not a refusal of the person (the service out of reach, a fault): said so, with a way to ask again
        this.callerProblem = plainly({ code, message: first ? first.message : '' });
      }
    }
    if (this.me && !this.me.roles.includes('admin')) {
      this.stopWallet = watch(Wallet, {}, (r) => { if (r.data) this.wallet = r.data.wallet; });
      // walletChanged only signals; the normalized cache takes the new wallet, and every view of it follows.
      this.stopWalletFeed = subscribe(WalletChanged, {}, () => {});
      // a change while the connection was down sent no signal: the balance is read again once it is back
      this.stopWalletReconnect = onReconnect(() => query(Wallet));
    }
    this.resolve();
  }

  /** The page of the address; after a link was followed (`moved`), focus goes to the new page, as a page load would put it. */
  async resolve(moved = false) {
    const path = location.pathname;
    this.route = await this.routeOf(path);
    document.documentElement.classList.toggle('overlay', !!this.route.overlay);
    if (moved) {
      await this.updateComplete;
      const main = this.querySelector('main');
      if (main) main.focus({ preventScroll: true });
    }
  }

  async routeOf(path) {
    for (const [pattern, tag, load] of ROUTES) {
      const m = path.match(pattern);
      if (m) {
        await load();
        return { tag, param: m[1] || null, overlay: tag === 'cs-overlay' };
      }
    }
    return { tag: 'not-found' };
  }

  roles() {
    return this.me ? this.me.roles : [];
  }

  /** Sign-in or sign-out controls; {@code where} keeps ids unique between the wide header and the phone menu. */
  renderSignIn(where) {
    const config = session.config || {};
    if (session.token) {
      return html`<li class="who"><span class="muted">${session.user ? session.user.label : ''}</span></li>
        <li><button class="secondary outline" @click=${() => signOut()}>Sign out</button></li>`;
    }
    if (config.devSignIn) {
      const id = `sign-in-as-${where}`;
      return html`<li><label for=${id} class="muted">Sign in as</label></li>
        <li><select id=${id} aria-label="Sign in as" @change=${(e) => { const u = DEMO_USERS.find((d) => d.sub === e.target.value); if (u) devSignIn(u); }}>
          <option value="">Choose a demo user…</option>
          ${DEMO_USERS.map((u) => html`<option value=${u.sub}>${u.label}</option>`)}
        </select></li>`;
    }
    if (config.oidcAuthority) {
      return html`<li><button @click=${() => signInWithProvider()}>Sign in</button></li>`;
    }
    return html`<li class="muted">Sign-in is not configured</li>`;
  }

  /** The pages this person may open, as list items. */
  links() {
    const roles = this.roles();
    return html`<li><a href="/">Live now</a></li>
      <li><a href="/leaderboards">Leaderboards</a></li>
      ${roles.includes('viewer') ? html`<li><a href="/store">Coins</a></li><li><a href="/wallet">Wallet</a></li><li><a href="/spending">My spending</a></li>` : ''}
      ${roles.includes('creator') ? html`<li><a href="/studio">Studio</a></li>` : ''}
      ${roles.includes('admin') ? html`<li><a href="/admin">Admin</a></li>` : ''}
      ${session.token ? html`<li><a href="/account">My data</a></li>` : ''}`;
  }

  /**
   * One line on a desktop; on a phone, the brand, the balance and a menu holding the pages and the sign-in
   * (the wide items are display:none there, so they leave the accessibility tree, and the other way round).
   */
  renderHeader() {
    const w = this.wallet;
    return html`<header class="cs-top"><nav aria-label="Main">
      <ul><li><a class="brand" href="/">Coinstream</a></li></ul>
      <ul class="wide">${this.links()}</ul>
      <ul>
        ${w ? html`<li class="balance" aria-live="polite"><span>${coin()} <strong data-testid="balance">${count(w.coins)}</strong><span class="visually-hidden"> coins</span></span>
          <small class="muted money">${money(w.moneyValue)}</small>${Number(w.coinDebt) > 0 ? html`<small class="owes">owes ${count(w.coinDebt)}</small>` : ''}
          <a href="/store" role="button" class="outline">Top up</a></li>` : ''}
        ${STATUS[this.status] ? html`<li class="status muted" title=${STATUS[this.status]}><span role="status">${STATUS[this.status]}</span></li>` : ''}
      </ul>
      <ul class="wide">${this.renderSignIn('header')}</ul>
      <ul class="narrow"><li><details class="dropdown nav-menu" @click=${(e) => { if (e.target.closest('a, button')) e.currentTarget.open = false; }}
        @keydown=${(e) => { if (e.key === 'Escape' && e.currentTarget.open) { e.currentTarget.open = false; e.currentTarget.querySelector('summary').focus(); } }}>
        <summary>Menu</summary><ul class="menu-end">${this.links()}${this.renderSignIn('menu')}</ul></details></li></ul>
      </nav></header>`;
  }

  render() {
    if (!this.ready || !this.route) return html`<main class="container" aria-busy="true">Loading…</main>`;
    const r = this.route;
    if (r.overlay) return html`<cs-overlay stream-id=${r.param || ''}></cs-overlay>`;
    let page;
    switch (r.tag) {
      case 'cs-live': page = html`<cs-live></cs-live>`; break;
      case 'cs-room': page = html`<cs-room stream-id=${r.param} .me=${this.me} .wallet=${this.wallet}></cs-room>`; break;
      case 'cs-store': page = html`<cs-store .me=${this.me}></cs-store>`; break;
      case 'cs-wallet': page = html`<cs-wallet .me=${this.me} .wallet=${this.wallet}></cs-wallet>`; break;
      case 'cs-spending': page = html`<cs-spending .me=${this.me}></cs-spending>`; break;
      case 'cs-studio': page = html`<cs-studio .me=${this.me}></cs-studio>`; break;
      case 'cs-admin': page = html`<cs-admin .me=${this.me}></cs-admin>`; break;
      case 'cs-leaderboards': page = html`<cs-leaderboards></cs-leaderboards>`; break;
      case 'cs-account': page = html`<cs-account .me=${this.me} .wallet=${this.wallet}></cs-account>`; break;
      default: page = html`<h1>Not found</h1><p>There is no page here. <a href="/">See who is live</a>.</p>`;
    }
    // a page belongs to the person it was opened for: signed out, or another person signed in, it is made again and reads
    // their data (a page kept showed the person before)
    return html`<a class="skip" href="#content">Skip to content</a>${this.renderHeader()}<main class="container" id="content" tabindex="-1">${session.signInProblem && !session.token
      ? html`<p class="refusal" role="alert">${session.signInProblem}</p>` : ''}${this.callerProblem ? html`<p class="refusal" role="alert"
        data-testid="caller-problem">${this.callerProblem} <button class="secondary outline" @click=${() => this.loadCaller()}>Try again</button></p>` : ''}${keyed(this.me ? this.me.id : '', page)}</main>`;
  }
}
customElements.define('cs-app', App);
