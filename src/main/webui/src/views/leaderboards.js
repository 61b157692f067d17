import { html } from 'lit';
import { View } from '../main.js';
import { query } from '../api.js';
import { failure } from '../messages.js';
import { money, count } from '../format.js';
import { coins } from '../gifts.js';
import Leaderboard from '../graphql/Leaderboard.graphql?raw';

const utc = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });
const inUtc = (iso) => `${utc.format(new Date(iso))} UTC`;

const PERIODS = [['DAY', 'Today'], ['WEEK', 'This week'], ['MONTH', 'This month'], ['ALL_TIME', 'All time']];

/** Leaderboards: top gifters and creators platform-wide, or one creator's supporters; UTC periods; coins and money. */
class Leaderboards extends View {
  static properties = { scope: { state: true }, period: { state: true }, board: { state: true }, rows: { state: true }, error: { state: true } };

  constructor() {
    super();
    this.creator = new URLSearchParams(location.search).get('creator');
    this.scope = this.creator ? 'CREATOR_SUPPORTERS' : 'TOP_GIFTERS';
    this.period = 'WEEK';
  }

  connectedCallback() {
    super.connectedCallback();
    this.load();
  }

  async load(after = null) {
    const input = { scope: this.scope, period: this.period, first: 20, after };
    if (this.scope === 'CREATOR_SUPPORTERS') input.creatorId = this.creator;
    // an answer for a board no longer chosen (the board or period changed while it was on its way) is dropped
    const asked = (this.asked = (this.asked || 0) + 1);
    const r = await query(Leaderboard, { input });
    if (asked !== this.asked) return;
    this.error = failure(r);
    if (!r.data) return;
    this.board = r.data.leaderboard;
    this.rows = after && this.rows ? [...this.rows, ...this.board.nodes] : this.board.nodes;
  }

  choose(scope, period) {
    this.scope = scope;
    this.period = period;
    this.rows = null;
    this.load();
  }

  render() {
    const scopes = [['TOP_GIFTERS', 'Top gifters'], ['TOP_CREATORS', 'Top creators']];
    if (this.creator) scopes.unshift(['CREATOR_SUPPORTERS', 'This creator’s supporters']);
    return html`<h1>Leaderboards</h1>
      <p class="muted">Periods are in UTC (the week starts Monday 00:00 UTC). Anonymous gifts count as “Anonymous”; people who chose to stay off leaderboards are left out.</p>
      <div role="group" class="row" aria-label="Board">${scopes.map(([s, label]) => html`<button class=${s === this.scope ? '' : 'secondary outline'}
        aria-pressed=${s === this.scope ? 'true' : 'false'} @click=${() => this.choose(s, this.period)}>${label}</button>`)}</div>
      <div role="group" class="row" aria-label="Period">${PERIODS.map(([p, label]) => html`<button class=${p === this.period ? '' : 'secondary outline'}
        aria-pressed=${p === this.period ? 'true' : 'false'} @click=${() => this.choose(this.scope, p)}>${label}</button>`)}</div>
      ${this.error ? html`<p class="refusal" role="alert">${this.error}</p>` : ''}
      ${!this.rows ? html`<p aria-busy="true">Loading…</p>` : this.rows.length === 0 ? html`<p class="muted">Nobody yet in this period.</p>`
        : html`<p class="muted">${inUtc(this.board.periodStart)}${this.board.periodEnd ? html` – ${inUtc(this.board.periodEnd)}` : ' onwards'}</p>
        <div class="table-wrap" role="region" tabindex="0" aria-label="Leaderboard"><table data-testid="leaderboard"><thead><tr><th>#</th><th>Who</th><th>Coins</th><th>Worth</th><th>Gifts</th></tr></thead><tbody>
        ${this.rows.map((e) => html`<tr><td>${e.rank}</td><td>${e.profile.displayName}</td><td>${coins(e.coins)}</td><td>${money(e.value)}</td><td>${count(e.gifts)}</td></tr>`)}
        </tbody></table></div>
        ${this.board.pageInfo.hasNextPage ? html`<button class="secondary" @click=${() => this.load(this.board.pageInfo.endCursor)}>More</button>` : ''}`}`;
  }
}
customElements.define('cs-leaderboards', Leaderboards);
