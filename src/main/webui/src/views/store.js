import { html } from 'lit';
import { View, navigate } from '../main.js';
import { query, mutate, userError, Intents } from '../api.js';
import { explain, failure } from '../messages.js';
import { sameOrigin } from '../download.js';
import { money, count, counted } from '../format.js';
import { session } from '../auth.js';
import { coins } from '../gifts.js';
import CoinStore from '../graphql/CoinStore.graphql?raw';
import CoinQuote from '../graphql/CoinQuote.graphql?raw';
import PurchaseCoins from '../graphql/PurchaseCoins.graphql?raw';
import Purchase from '../graphql/Purchase.graphql?raw';

/** The coin store: packages at the region's real prices, a custom amount at its exact price, and the payment. */
class Store extends View {
  static properties = { stillPending: { state: true }, me: { attribute: false }, packages: { state: true }, custom: { state: true }, quote: { state: true }, quoteProblem: { state: true },
    card: { state: true }, busy: { state: true }, result: { state: true }, refusal: { state: true }, error: { state: true } };

  constructor() {
    super();
    this.intents = new Intents();
  }

  connectedCallback() {
    super.connectedCallback();
    const params = new URLSearchParams(location.search);
    this.custom = params.get('coins') || '';
    this.back = sameOrigin(params.get('back')) ? params.get('back') : null;
    const cards = (session.config && session.config.sandboxCards) || [];
    this.card = cards[0] || '';
    this.load();
  }

  region() {
    return (this.me && this.me.region) || 'US';
  }

  async load() {
    const r = await query(CoinStore, { region: this.region() });
    this.error = failure(r);
    if (r.data) this.packages = r.data.coinPackages;
    if (this.custom) this.requote();
  }

  async requote() {
    const coins = Number(this.custom);
    if (!Number.isInteger(coins) || coins < 1) {
      this.quote = null;
      return;
    }
    const r = await query(CoinQuote, { region: this.region(), coins });
    // (an answer for an amount no longer typed is dropped: answers may arrive out of order)
    if (Number(this.custom) !== coins) return;
    this.quote = r.data && r.data.coinQuote ? { coins, price: r.data.coinQuote } : null;
    this.quoteProblem = this.quote ? null : failure(r) || 'That amount has no price here.';
  }

  /**
   * Buy; `again` (a purchase still PENDING after its bank's two minutes) sends that same request, its key included: it
   * takes up a charge that was cut off, and never buys twice.
   */
  async buy(input, again = null) {
    if (this.busy) return;
    this.busy = true;
    this.refusal = null;
    // (asking again keeps the pending purchase on the page until a definite answer: a lost one leaves its button there)
    const before = again ? { result: this.result, stillPending: this.stillPending } : null;
    if (!again) {
      this.result = null;
      this.stillPending = false;
    }
    const sent = again || { ...input, paymentMethodToken: this.card, idempotencyKey: this.intents.key('purchaseCoins', { ...input, card: this.card }) };
    const r = await mutate(PurchaseCoins, { input: sent });
    this.busy = false;
    const problem = userError(r, 'purchaseCoins');
    this.intents.settle('purchaseCoins', problem);
    if (failure(r) || problem) {
      if (before) Object.assign(this, before);
      return (this.refusal = failure(r) ? { text: failure(r) } : explain(problem));
    }
    this.stillPending = false;
    this.result = r.data.purchaseCoins.purchase;
    this.asked = sent;
    if (this.result.status === 'PENDING') this.poll(this.result.id);
    else if (this.back) navigate(this.back);
  }

  /** A pending purchase completes when the provider confirms it: follow it until then. */
  async poll(id) {
    for (let i = 0; i < 60 && this.isConnected; i++) {
      await new Promise((resolve) => setTimeout(resolve, 2000));
      const r = await query(Purchase, { id });
      if (r.data && r.data.purchase && r.data.purchase.status !== 'PENDING') {
        this.result = r.data.purchase;
        return;
      }
    }
    // (two minutes without an answer from the bank: the page says so, and where to see it later)
    if (this.isConnected && this.result && this.result.id === id && this.result.status === 'PENDING') this.stillPending = true;
  }

  render() {
    const cards = (session.config && session.config.sandboxCards) || [];
    if (this.error) return html`<h1>Coins</h1><p class="refusal" role="alert">${this.error} <button @click=${() => this.load()}>Try again</button></p>`;
    if (!this.packages) return html`<h1>Coins</h1><p aria-busy="true">Loading prices…</p>`;
    return html`<h1>Coins</h1>
      ${this.me && !this.me.adult ? html`<p class="refusal" role="note">Buying coins is only for people aged 18 and over, and ${this.me.ageVerified ? 'your verified age is under 18' : 'your account has no verified age'}.</p>` : ''}
      ${cards.length ? html`<label>Payment card (sandbox) <select .value=${this.card} @change=${(e) => (this.card = e.target.value)}>
          ${cards.map((c) => html`<option value=${c}>${c}</option>`)}</select>
        <small class="muted">The sandbox provider is configured: these test cards move no real money.</small></label>` : ''}
      <div class="grid-auto" role="list" aria-label="Coin packages">${this.packages.map((p) => html`<article role="listitem" style="margin:0">
        <p><strong>${coins(p.coins)}</strong></p><p>${money(p.price)}</p>
        <button ?disabled=${this.busy} @click=${() => this.buy({ packageId: p.id })} aria-label=${`Buy ${counted(p.coins, 'coin', 'coins')} for ${money(p.price)}`}>Buy</button></article>`)}</div>
      <h2>A custom amount</h2>
      <div class="row"><label>Coins <input type="number" min="1" step="1" name="custom-coins" .value=${this.custom} style="width:10rem"
          @input=${(e) => { this.custom = e.target.value; this.quote = null; this.quoteProblem = null; clearTimeout(this.t); this.t = setTimeout(() => this.requote(), 250); }}></label>
        <span data-testid="quote">${this.quote ? html`costs <strong>${money(this.quote.price)}</strong>`
          : html`<span class="muted">${this.quoteProblem || (Number.isInteger(Number(this.custom)) && Number(this.custom) >= 1 ? 'Finding the price…' : 'Enter a whole number of coins')}</span>`}</span>
        <button ?disabled=${this.busy || !this.quote} @click=${() => this.buy({ coins: this.quote.coins })}>Buy ${this.quote ? counted(this.quote.coins, 'coin', 'coins') : 'coins'}</button></div>
      ${this.refusal ? html`<div class="refusal" role="alert"><p>${this.refusal.text}</p>${this.refusal.next ? html`<p class="muted">${this.refusal.next}</p>` : ''}</div>` : ''}
      <p role="status" data-testid="purchase-status">${!this.result ? '' : this.result.status === 'SUCCEEDED'
        ? html`${counted(this.result.coins, 'coin', 'coins')} added for ${money(this.result.price)}.`
        : this.result.status === 'PENDING' ? (this.stillPending
          ? html`Your bank has not confirmed the payment yet. The coins arrive as soon as it does; your <a href="/wallet">wallet</a> shows them then.
            <button class="secondary outline" ?disabled=${this.busy} @click=${() => this.buy(null, this.asked)}>Ask again</button>
            <small class="muted">(the same purchase: it is never bought twice)</small>`
          : html`Waiting for your bank to confirm the payment… the coins arrive as soon as it does.`)
        : html`The payment did not go through (${this.result.status.toLowerCase()}); no coins were added.`}</p>`;
  }
}
customElements.define('cs-store', Store);
