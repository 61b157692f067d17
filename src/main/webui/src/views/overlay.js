import { html } from 'lit';
import { View } from '../main.js';
import { query } from '../api.js';
import { icon, tierClass, coins, crown } from '../gifts.js';
import { StreamFeed } from '../feed.js';
import StreamEvents from '../graphql/StreamEvents.graphql?raw';
import TopGifters from '../graphql/TopGifters.graphql?raw';
import MyStream from '../graphql/MyStream.graphql?raw';
import { Activity, renderBattle, renderGoals, renderCombos } from '../engagement.js';

const MAX_ON_SCREEN = 3;
/** How often an overlay that follows a creator looks for their live stream (a new one, or the end of this one). */
const FOLLOW_EVERY_MS = 15_000;

/**
 * The stream overlay: a transparent page for streaming software (a browser source). It reads the stream's gifts
 * with the read-only overlay key from its address, queues their alerts (bigger tiers stay longer), and keeps the
 * stream's top gifter (public) in a corner.
 */
class Overlay extends View {
  static properties = { streamId: { attribute: 'stream-id' }, alerts: { state: true }, top: { state: true }, problem: { state: true } };

  constructor() {
    super();
    this.alerts = [];
    this.queue = [];
    this.starts = 0;
  }

  async connectedCallback() {
    super.connectedCallback();
    const params = new URLSearchParams(location.search);
    this.key = params.get('key');
    this.creator = params.get('creator');
    if (!this.key || (!this.streamId && !this.creator)) {
      this.problem = 'This overlay address has no key. Copy the address from your studio’s Overlay tab.';
      return;
    }
    if (this.streamId) this.begin(0, ++this.starts);
    else this.follow();
  }

  /**
   * The creator's address (/overlay?creator=…&key=…): one browser source for every stream. It shows the creator's live
   * stream, and, looking again every 15 s, moves to the next one when they go live again (an address per stream went
   * blank at every new stream, and its key could not be seen again to make the next).
   */
  async follow() {
    if (!this.isConnected) return;
    const r = await query(MyStream, { creatorId: this.creator });
    if (!this.isConnected) return;
    const live = r.data && r.data.liveStreams.nodes[0] && r.data.liveStreams.nodes[0].status === 'LIVE' ? r.data.liveStreams.nodes[0] : null;
    const now = live ? live.id : null;
    if (r.data && now !== (this.streamId || null)) {
      this.stopReading();
      this.streamId = now;
      this.alerts = [];
      this.queue = [];
      this.top = null;
      this.starts++; // (a start of the stream before, still under way, stops at its next step)
      if (now) this.begin(0, this.starts);
    }
    if (r.data && !now) this.problem = null;
    this.waiting = r.data && !now;
    this.requestUpdate();
    this.followTimer = setTimeout(() => this.follow(), FOLLOW_EVERY_MS);
  }

  stopReading() {
    clearTimeout(this.retry);
    clearTimeout(this.topTimer);
    if (this.feed) this.feed.stop();
    if (this.activity) this.activity.stop();
    this.feed = null;
    this.activity = null;
  }

  /**
   * The top gifter is public; the key is checked by reading the events after the stream's last one (none, if valid).
   * A start that cannot reach the service (an OBS source opened before the network is up) is tried again, with backoff
   * up to 30 s; a key refused for good is not.
   */
  async begin(tries, start) {
    // (only the latest start of an overlay on the page goes on: one removed, or started again, meanwhile stops here)
    const current = () => this.isConnected && start === this.starts;
    const again = (error) => {
      this.refused(error);
      if (current() && !this.problem.startsWith('This overlay key')) {
        this.retry = setTimeout(() => this.begin(tries + 1, start), Math.min(30_000, 1000 * 2 ** tries));
      }
    };
    const top = await query(TopGifters, { id: this.streamId });
    if (!current()) return;
    if (top.error) return again(top.error);
    this.showTop(top.data);
    const last = top.data.liveStream ? Number(top.data.liveStream.totals.gifts) : 0;
    const check = await query(StreamEvents, { streamId: this.streamId, after: last, overlayKey: this.key });
    if (!current()) return;
    if (check.error) return again(check.error);
    this.problem = null;
    this.feed = new StreamFeed(this.streamId, (e, again) => this.arrived(e, again), { overlayKey: this.key, onError: (e) => this.refused(e) })
      .start(last); // the service sends first what was committed while the subscription was being set up
    this.activity = new Activity(this.streamId, () => this.requestUpdate(), { overlayKey: this.key });
    this.activity.start(top.data.liveStream && top.data.liveStream.currentMatch ? top.data.liveStream.currentMatch.id : null);

  }

  disconnectedCallback() {
    super.disconnectedCallback();
    clearTimeout(this.followTimer);
    this.stopReading();
  }

  refused(error) {
    const code = error.graphQLErrors && error.graphQLErrors[0] && error.graphQLErrors[0].extensions ? error.graphQLErrors[0].extensions.code : null;
    this.problem = code === 'UNAUTHENTICATED' || code === 'FORBIDDEN' || code === 'NOT_FOUND'
      ? 'This overlay key is not valid for this stream (revoked or mistyped). Create a new one in your studio.'
      : code === 'RATE_LIMITED' ? 'Too many overlays use this key at once: close one, or make a key for each, then reload this one.'
      : 'The overlay cannot reach Coinstream right now; it keeps trying.';
    if (this.feed && this.problem.startsWith('This overlay key')) this.feed.stop();
    if (this.activity && this.problem.startsWith('This overlay key')) this.activity.stop();
  }

  showTop(data) {
    const t = data && data.topGifters && data.topGifters[0];
    this.top = t ? { who: t.supporter.displayName, coins: t.coins } : null;
  }

  async refreshTop() {
    const r = await query(TopGifters, { id: this.streamId });
    if (r.data) this.showTop(r.data);
  }

  arrived(event, again) {
    if (again) return;
    this.problem = null;
    clearTimeout(this.topTimer);
    this.topTimer = setTimeout(() => this.refreshTop(), 500);
    this.queue.push(event);
    this.pump();
  }

  /** Shows queued alerts a few at a time; each leaves when its animation ends. */
  pump() {
    while (this.alerts.length < MAX_ON_SCREEN && this.queue.length) {
      const e = this.queue.shift();
      this.alerts = [...this.alerts, e];
      const tier = e.gift ? e.gift.tier : 1;
      setTimeout(() => { this.alerts = this.alerts.filter((a) => a !== e); this.pump(); }, tier >= 5 ? 8000 : tier >= 3 ? 5000 : 3000);
    }
  }

  render() {
    return html`<div class="overlay-stage">
      ${this.problem ? html`<p class="overlay-problem" role="alert">${this.problem}</p>` : ''}
      ${this.waiting && !this.problem ? html`<p class="visually-hidden" role="status" data-testid="overlay-waiting">Waiting for the stream to go live.</p>` : ''}
      <div class="alerts" aria-live="polite" data-testid="overlay-alerts">${this.alerts.map((e) => html`<div class=${`alert ${tierClass(e.gift && e.gift.tier)}`}>
        <span aria-hidden="true">${icon(e.gift)}</span> <bdi>${e.senderName}</bdi> sent <bdi>${e.gift ? e.gift.name : 'a gift'}</bdi>${e.quantity > 1 ? ` × ${e.quantity}` : ''}</div>`)}</div>
      ${this.activity && !this.problem ? html`<div class="overlay-mechanics">${renderBattle(this.activity)}${renderGoals(this.activity)}${renderCombos(this.activity)}</div>` : ''}
      ${this.top ? html`<div class="overlay-top" data-testid="overlay-top">${crown()} <bdi>${this.top.who}</bdi> · ${coins(this.top.coins)}</div>` : ''}</div>`;
  }
}
customElements.define('cs-overlay', Overlay);
