import { html } from 'lit';
import { View } from '../main.js';
import { query } from '../api.js';
import { failure } from '../messages.js';
import { money, minorMoney, count, counted, when } from '../format.js';
import { coins } from '../gifts.js';
import Transactions from '../graphql/Transactions.graphql?raw';

/** An account's or an entry kind's name in words: DIAMONDS_PENDING as "diamonds pending". */
const words = (name) => name.toLowerCase().replaceAll('_', ' ');

/** A line's amount in its asset: coins and diamonds counted, real money (minor units) as money. */
const amount = (l) => l.asset === 'COIN' ? counted(l.amount, 'coin', 'coins')
  : l.asset === 'DIAMOND' ? counted(l.amount, 'diamond', 'diamonds') : minorMoney(l.amount, l.asset);

/** The wallet: coins, their real-money value, any coin debt (live), and the paged history of every movement. */
class WalletView extends View {
  static properties = { me: { attribute: false }, wallet: { attribute: false }, lines: { state: true }, next: { state: true }, error: { state: true } };

  connectedCallback() {
    super.connectedCallback();
    this.load();
  }

  async load(after = null) {
    const r = await query(Transactions, { after });
    // (a page the list already has (a double click on Older) adds nothing: only the page after the list's last is added)
    if (after && after !== this.next) return;
    this.error = failure(r);
    if (r.data) {
      this.lines = [...(after ? this.lines : []), ...r.data.transactions.nodes];
      this.next = r.data.transactions.pageInfo.hasNextPage ? r.data.transactions.pageInfo.endCursor : null;
    }
  }

  render() {
    if (this.error) return html`<h1>Wallet</h1><p class="refusal" role="alert">${this.error} <button @click=${() => this.load()}>Try again</button></p>`;
    const w = this.wallet;
    return html`<h1>Wallet</h1>
      ${w ? html`<div class="cards"><article><header>Coins</header><p style="font-size:2rem" data-testid="wallet-coins">${coins(w.coins)}</p>
          <p class="muted">worth ${money(w.moneyValue)} at what you paid</p></article>
        <article><header>Paid in</header><p style="font-size:2rem">${money(w.moneyPaid)}</p></article>
        ${Number(w.coinDebt) > 0 ? html`<article><header>Coins owed</header><p style="font-size:2rem">${count(w.coinDebt)}</p>
          <p class="muted">from a refunded purchase; your next purchase settles it first</p></article>` : ''}</div>` : html`<p aria-busy="true">Loading…</p>`}
      <h2>History</h2>
      ${!this.lines ? html`<p aria-busy="true">Loading…</p>` : this.lines.length === 0 ? html`<p class="muted">No movements yet. <a href="/store">Buy coins</a> to start.</p>` : html`
      <div class="table-wrap" role="region" tabindex="0" aria-label="Wallet history"><table><thead><tr><th>When</th><th>What</th><th>Account</th><th>Amount</th></tr></thead>
        <tbody>${this.lines.map((l) => html`<tr><td>${when(l.createdAt)}</td><td>${words(l.kind)}${l.memo ? html` <small class="muted">${l.memo}</small>` : ''}</td>
          <td>${words(l.account)}</td><td>${Number(l.amount) > 0 ? '+' : ''}${amount(l)}</td></tr>`)}</tbody></table></div>
      ${this.next ? html`<button class="secondary" @click=${() => this.load(this.next)}>Older</button>` : ''}`}`;
  }
}
customElements.define('cs-wallet', WalletView);
