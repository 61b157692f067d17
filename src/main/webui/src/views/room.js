import { html } from 'lit';
import { View, navigate } from '../main.js';
import { query, mutate, userError, Intents } from '../api.js';
import { explain, failure } from '../messages.js';
import { money, counted, clock } from '../format.js';
import { icon, tierClass, coins } from '../gifts.js';
import { StreamFeed } from '../feed.js';
import { session } from '../auth.js';
import StreamRoom from '../graphql/StreamRoom.graphql?raw';
import TopGifters from '../graphql/TopGifters.graphql?raw';
import SendGift from '../graphql/SendGift.graphql?raw';
import CoinQuote from '../graphql/CoinQuote.graphql?raw';
import PurchaseCoins from '../graphql/PurchaseCoins.graphql?raw';
import StreamEvents from '../graphql/StreamEvents.graphql?raw';
import Protection from '../graphql/Protection.graphql?raw';
import { Activity, renderBattle, renderGoals, renderCombos } from '../engagement.js';

/** The stream room: the stage with gift alerts, the gift bar, the feed, top gifters and the stream total. */
class Room extends View {
  static properties = {
    streamId: { attribute: 'stream-id' }, me: { attribute: false }, wallet: { attribute: false },
    stream: { state: true }, gifts: { state: true }, top: { state: true }, feed: { state: true }, alerts: { state: true },
    selected: { state: true }, quantity: { state: true }, sending: { state: true }, refusal: { state: true }, topUp: { state: true },
    error: { state: true }, notice: { state: true }, anonymous: { state: true }, sheetOpen: { state: true },
    buying: { state: true }, lastSent: { state: true },
  };

  constructor() {
    super();
    this.feed = [];
    this.alerts = [];
    this.quantity = 1;
    this.sheetOpen = true; // on a phone the gift sheet starts open: gifting stays one tap away
    this.intents = new Intents();
  }

  connectedCallback() {
    super.connectedCallback();
    this.load();
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    if (this.live) this.live.stop();
    if (this.activity) this.activity.stop();
    if (this.sheetObserver) this.sheetObserver.disconnect();
    document.documentElement.style.removeProperty('--gift-sheet');
    this.sheetPanel = null;
  }

  /** On a phone the gift panel is fixed to the bottom; the room keeps that much space below it (see styles.css). */
  updated() {
    const panel = this.querySelector('.gift-panel');
    if (panel === this.sheetPanel) return;
    if (this.sheetObserver) this.sheetObserver.disconnect();
    this.sheetPanel = panel;
    // (on the page's root: the room keeps that much space below its last line, and the page scrolls what is focused clear of it)
    const root = document.documentElement.style;
    if (!panel) {
      root.removeProperty('--gift-sheet');
      return;
    }
    this.sheetObserver = new ResizeObserver(() => root.setProperty('--gift-sheet', `${panel.offsetHeight}px`));
    this.sheetObserver.observe(panel);
  }

  region() {
    return (this.me && this.me.region) || 'US';
  }

  willUpdate(changed) {
    if (changed.has('me') && this.me && this.me.roles.includes('viewer') && this.anonymous === undefined) this.loadAnonymousDefault();
  }

  /** "Send anonymously" starts as the viewer chose in My data (anonymousByDefault); untouched by a choice already made here. */
  async loadAnonymousDefault() {
    const r = await query(Protection);
    if (r.data && r.data.me && this.anonymous === undefined) this.anonymous = r.data.me.anonymousByDefault;
  }

  async load() {
    // (loaded again, after a refusal's "Try again": the feed of the first load stops, or every gift would show twice)
    if (this.live) this.live.stop();
    this.live = null;
    const loading = this.loading = (this.loading || 0) + 1; // (a load begun after this one is the one that counts)
    const r = await query(StreamRoom, { id: this.streamId, region: this.region() });
    // (the room was left while it loaded: nothing is started for it, as the feeds below would run on unseen)
    if (!this.isConnected || loading !== this.loading) return;
    // a stream that does not exist: the answer is NOT_FOUND as a whole (its goals), and the page says there is no such stream
    const errors = r.error && r.error.graphQLErrors ? r.error.graphQLErrors : [];
    if (!r.data && errors.length && errors.every((e) => e.extensions && e.extensions.code === 'NOT_FOUND')) {
      this.error = null;
      this.stream = null;
      this.gifts = [];
      return;
    }
    this.error = failure(r);
    if (!r.data) return;
    this.stream = r.data.liveStream;
    this.gifts = r.data.giftCatalogue;
    this.top = r.data.topGifters;
    if (this.activity) this.activity.stop();
    this.activity = new Activity(this.streamId, () => this.requestUpdate());
    r.data.streamGoals.filter((g) => g.active).forEach((g) => this.activity.goals.set(g.id, g));
    if (!this.stream || !session.token) return;
    this.activity.start(this.stream.currentMatch ? this.stream.currentMatch.id : null);
    // The feed starts at the stream's latest event: the room shows the last few, then everything new.
    const recent = await query(StreamEvents, { streamId: this.streamId, after: Math.max(0, Number(this.stream.totals.gifts) - 10) });
    if (loading !== this.loading) return; // (the later load stopped this one's activity when it made its own)
    if (!this.isConnected) {
      this.activity.stop();
      return;
    }
    const events = recent.data ? recent.data.streamEvents : [];
    this.feed = [...events].reverse();
    const last = events.length ? Number(events[events.length - 1].sequence) : Number(this.stream.totals.gifts);
    this.live = new StreamFeed(this.streamId, (e, again) => this.arrived(e, again), { onError: () => (this.notice = 'The live feed was interrupted; reconnecting…') })
      .start(last);
  }

  arrived(event, again) {
    if (again) {
      this.feed = this.feed.map((f) => (f.id === event.id ? event : f));
      return;
    }
    this.notice = null;
    this.feed = [event, ...this.feed].slice(0, 50);
    const alert = { key: `${event.id}`, event };
    this.alerts = [...this.alerts, alert];
    const tier = event.gift ? event.gift.tier : 1;
    setTimeout(() => (this.alerts = this.alerts.filter((a) => a !== alert)), tier >= 5 ? 8000 : tier >= 3 ? 5000 : 3000);
    this.stream = { ...this.stream, totals: { ...this.stream.totals, coins: event.streamTotal } };
    clearTimeout(this.topTimer);
    this.topTimer = setTimeout(() => this.refreshTop(), 400);
  }

  async refreshTop() {
    const r = await query(TopGifters, { id: this.streamId });
    if (r.data) {
      this.top = r.data.topGifters;
      if (r.data.liveStream) this.stream = { ...this.stream, ...r.data.liveStream };
    }
  }

  /**
   * Send the chosen gift. Its key is the intent's (Intents): the same gift tried again after a lost answer, confirmed
   * after the reminder, or sent after buying the shortfall goes with the key of its first try, so it is sent once.
   */
  async send(confirmed = false, asked = null) {
    // (a confirmation or a top-up sends the gift it was offered for, whatever is chosen by then)
    const gift = asked ? asked.gift : this.selected;
    if (!gift || this.sending) return;
    this.topUp = null;
    this.lastSent = null;
    const quantity = asked ? asked.quantity : this.quantity === '' ? 1 : Number(this.quantity);
    if (!Number.isInteger(quantity) || quantity < 1 || quantity > 99) {
      this.refusal = { text: 'Choose a quantity from 1 to 99.', next: null };
      return;
    }
    const anonymous = asked ? asked.anonymous : this.anonymous;
    const now = { gift, quantity, anonymous, selected: this.selected, typed: this.quantity, checked: this.anonymous };
    this.sending = true;
    this.refusal = null;
    const key = this.intents.key('sendGift', { stream: this.streamId, gift: gift.id, quantity, anonymous });
    const r = await mutate(SendGift, { input: { streamId: this.streamId, giftId: gift.id, quantity, idempotencyKey: key,
      // left out until the person's setting is known: the service then follows it
      anonymous: anonymous === undefined ? null : !!anonymous, confirmed } });
    this.sending = false;
    // (what is chosen changed while the answer was on its way: a next step offered for the gift before is not offered)
    const unchanged = () => this.selected === now.selected && this.quantity === now.typed && this.anonymous === now.checked;
    // (a refusal of the whole request, RATE_LIMITED or a lost connection, is a problem too: said as a gift's)
    const problem = userError(r, 'sendGift');
    // (a refusal that asks for a next step, a confirmation or coins, leaves the intent open: that step sends it)
    if (!problem || !['CONFIRMATION_REQUIRED', 'INSUFFICIENT_COINS'].includes(problem.code)) this.intents.settle('sendGift', problem);
    if (!problem) {
      this.lastSent = { gift, quantity, at: Date.now() };
      return;
    }
    if (['CONFIRMATION_REQUIRED', 'INSUFFICIENT_COINS'].includes(problem.code) && !unchanged()) return;
    if (problem.code === 'INSUFFICIENT_COINS') {
      // (a purchase repays coins owed first: the shortfall covers them too)
      const shortfall = Number(gift.coins) * quantity - Number(this.wallet ? this.wallet.coins : 0) + Number(this.wallet ? this.wallet.coinDebt || 0 : 0);
      const quote = await query(CoinQuote, { region: this.region(), coins: Math.max(1, shortfall) });
      // (the gift changed while its price was asked for: the offer was for the one before, and is not made)
      if (!unchanged()) return;
      this.topUp = { shortfall: Math.max(1, shortfall), price: quote.data ? quote.data.coinQuote : null, key, asked: now };
      this.refusal = explain(problem, { shortfall: Math.max(1, shortfall) });
      return;
    }
    if (problem.code === 'CONFIRMATION_REQUIRED') {
      // the viewer's own pause: say what this gift costs in money, and send it only on a second, explicit click
      // (the value of all its coins at once, at what the viewer's coins are worth, as the service values them: a unit's
      // value already rounded, times the quantity, understated 99 one-coin gifts as $0.99 where they are worth $1.40)
      const total = Number(gift.coins) * quantity;
      const w = this.wallet;
      const value = w && w.moneyValue && Number(w.coins) > 0
        ? { amount: String((Number(w.moneyValue.amount) * total) / Number(w.coins)), currency: w.moneyValue.currency } : null;
      this.refusal = { ...explain(problem), confirm: { coins: total, value, asked: now } };
      return;
    }
    this.refusal = explain(problem, { operation: 'sendGift', limit: r.data && r.data.sendGift ? r.data.sendGift.spendingLimit : null });
  }

  /** Buy exactly the shortfall, then send the same gift again (same key: it can only ever be sent once). */
  async buyShortfallAndSend() {
    const cards = (session.config && session.config.sandboxCards) || [];
    if (!cards.length) {
      navigate(`/store?coins=${this.topUp.shortfall}&back=${encodeURIComponent(location.pathname)}`);
      return;
    }
    const top = this.topUp;
    if (this.buying) return;
    this.buying = true;
    const r = await mutate(PurchaseCoins, { input: { coins: top.shortfall, paymentMethodToken: cards[0],
      idempotencyKey: this.intents.key('purchaseCoins', { coins: top.shortfall, gift: top.key }) } });
    this.buying = false;
    const problem = userError(r, 'purchaseCoins');
    this.intents.settle('purchaseCoins', problem);
    if (problem) {
      this.refusal = explain(problem);
      return;
    }
    if (this.topUp !== top) return; // (another gift chosen meanwhile: the coins are bought, that one is not sent unasked)
    this.topUp = null;
    await this.send(false, top.asked);
  }

  /** The gift panel: tiers as small labelled groups of tiles in one flowing grid; a bottom sheet on a phone. */
  renderGiftBar() {
    if (!this.gifts) return '';
    const tiers = [...new Set(this.gifts.map((g) => g.tier))].sort((a, b) => a - b);
    return html`<section class=${`gift-panel${this.sheetOpen ? ' open' : ''}`} aria-labelledby="gifts-heading">
      <div class="gift-panel-bar"><h2 id="gifts-heading">Send a gift</h2>
        <button class="gift-toggle secondary" aria-expanded=${this.sheetOpen ? 'true' : 'false'} aria-controls="gift-body"
          @click=${() => (this.sheetOpen = !this.sheetOpen)}>Gifts</button></div>
      <div class="gift-body" id="gift-body">
        ${this.me && !this.me.adult ? html`<p class="refusal" role="note">Buying coins and sending gifts are only for people aged 18 and over. You can still watch.</p>` : ''}
        <div class="gift-grid">${tiers.map((t) => html`<fieldset class="gift-tier"><legend>Tier ${t}</legend><div class="gift-tiles">
          ${this.gifts.filter((g) => g.tier === t).map((g) => html`<button class="gift-tile secondary outline" data-gift=${g.name}
            aria-pressed=${this.selected && this.selected.id === g.id ? 'true' : 'false'} ?disabled=${this.sending || this.buying}
            @click=${() => this.change({ selected: g })}>
            ${icon(g)}<span class="gift-name">${g.name}</span>${coins(g.coins)}<small>${money(g.moneyValue)}</small></button>`)}
        </div></fieldset>`)}</div>
        ${this.renderSendRow()}
      </div>
    </section>`;
  }

  /**
   * The gift being asked for changes (its quantity, or whether it is anonymous): a confirmation or a top-up offered for the
   * gift as it was no longer stands ("Send it anyway: 1 coin" sent 99 Roses when the quantity changed under it). (Neither
   * can change while a gift is on its way or its shortfall is being bought: their inputs wait.)
   */
  change(to) {
    Object.assign(this, to);
    this.refusal = null;
    this.topUp = null;
    this.lastSent = null;
  }

  /** Once a gift is chosen: quantity, Send (with its coins), anonymity; then any refusal with what to do next. */
  renderSendRow() {
    const canSend = this.me && this.me.roles.includes('viewer') && this.stream && this.stream.status === 'LIVE';
    const total = this.selected ? Number(this.selected.coins) * (Number(this.quantity) || 1) : 0;
    // The name is spelled out: a browser adds stray spaces around the hidden word when it reads the content.
    return html`${this.selected ? html`<div class="row send-row">
        <label>Quantity <input type="number" min="1" max="99" .value=${String(this.quantity)} ?disabled=${this.sending || this.buying}
          @input=${(e) => this.change({ quantity: e.target.value })}></label>
        <button ?disabled=${!canSend || this.sending} aria-busy=${this.sending ? 'true' : 'false'} @click=${() => this.send()}
          aria-label=${`Send ${this.selected.name} × ${this.quantity} (${counted(total, 'coin', 'coins')})`}>Send ${this.selected.name} × ${this.quantity} (${coins(total)})</button>
        <label><input type="checkbox" .checked=${!!this.anonymous} ?disabled=${this.sending || this.buying}
          @change=${(e) => this.change({ anonymous: e.target.checked })}> Send anonymously</label>
        ${!session.token ? html`<span class="muted">Sign in to send gifts.</span>` : ''}
      </div>` : html`<p class="muted">Choose a gift to send it.</p>`}
      <p class="muted" role="status" data-testid="gift-sent">${this.lastSent ? html`Sent <bdi>${this.lastSent.gift.name}</bdi> × ${this.lastSent.quantity}` : ''}</p>
      ${this.refusal ? html`<div class="refusal" role="alert"><p>${this.refusal.text}</p>${this.refusal.next ? html`<p class="muted">${this.refusal.next}</p>` : ''}
        ${this.refusal.confirm ? html`<button data-testid="confirm-gift" @click=${() => this.send(true, this.refusal.confirm.asked)}>Send it anyway: ${coins(this.refusal.confirm.coins)}${this.refusal.confirm.value ? html` (about ${money(this.refusal.confirm.value)})` : ''}</button>` : ''}
        ${this.topUp ? html`<button ?disabled=${this.buying} @click=${() => this.buyShortfallAndSend()}>Buy ${counted(this.topUp.shortfall, 'coin', 'coins')}${this.topUp.price ? html` for ${money(this.topUp.price)}` : ''} and send</button>` : ''}
      </div>` : ''}`;
  }

  render() {
    if (this.error) return html`<p class="refusal" role="alert">${this.error} <button @click=${() => this.load()}>Try again</button></p>`;
    if (!this.gifts) return html`<p aria-busy="true">Opening the stream…</p>`;
    if (!this.stream) return html`<h1>No such stream</h1><p><a href="/">See who is live</a>.</p>`;
    const s = this.stream;
    return html`<h1><bdi>${s.title}</bdi></h1>
      <p class="muted"><bdi>${s.creator.displayName}</bdi> · ${s.status === 'LIVE' ? 'live now' : 'this stream has ended'} ·
        <strong data-testid="stream-total">${coins(s.totals.coins)}</strong> received</p>
      <div class="stage">
        <div class="alerts" aria-live="polite">${this.alerts.map((a) => html`<div class=${`alert ${tierClass(a.event.gift && a.event.gift.tier)}`}>
          ${icon(a.event.gift)} <bdi>${a.event.senderName}</bdi> sent <bdi>${a.event.gift ? a.event.gift.name : 'a gift'}</bdi> × ${a.event.quantity}</div>`)}</div>
        <span class="title"><bdi>${s.creator.displayName}</bdi></span>
      </div>
      ${this.activity ? html`${renderBattle(this.activity)}${renderCombos(this.activity)}${renderGoals(this.activity)}` : ''}
      <p class="muted" role="status">${this.notice || ''}</p>
      ${this.renderGiftBar()}
      <div class="cards" style="margin-top:1rem">
        <section aria-labelledby="feed-heading"><h2 id="feed-heading">Gifts</h2>
          ${!session.token ? html`<p class="muted">Sign in to follow the gifts live.</p>` : this.feed.length === 0 ? html`<p class="muted">No gifts yet. Be the first!</p>` : ''}
          <div class="feed-scroll" role="region" tabindex="0" aria-label="Gifts, newest first"><ul class="feed" data-testid="feed">${this.feed.map((e) => html`<li><span aria-hidden="true">${icon(e.gift)}</span>
            <strong><bdi>${e.senderName}</bdi></strong> sent <bdi>${e.gift ? e.gift.name : 'a gift'}</bdi> × ${e.quantity} <small class="muted">${clock(e.createdAt)}${e.acknowledgedAt ? ' · thanked ♥' : ''}</small></li>`)}</ul></div>
        </section>
        <section aria-labelledby="top-heading"><h2 id="top-heading">Top gifters</h2>
          <p><a href=${`/leaderboards?creator=${encodeURIComponent(s.creator.id)}`}><bdi>${s.creator.displayName}</bdi>'s leaderboard</a></p>
          ${this.top && this.top.length ? html`<ol data-testid="top-gifters">${this.top.map((t) => html`<li><bdi>${t.supporter.displayName}</bdi> — ${coins(t.coins)}</li>`)}</ol>` : html`<p class="muted">Nobody yet.</p>`}
        </section>
      </div>`;
  }
}
customElements.define('cs-room', Room);
