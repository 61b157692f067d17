import { html } from 'lit';
import { live } from 'lit/directives/live.js';
import { View } from '../main.js';
import { query, mutate, userError } from '../api.js';
import { plainly, failure } from '../messages.js';
import { money, count, counted, when, timeZone } from '../format.js';
import SpendingLimits from '../graphql/SpendingLimits.graphql?raw';
import SetSpendingLimit from '../graphql/SetSpendingLimit.graphql?raw';
import SpendingSummary from '../graphql/SpendingSummary.graphql?raw';
import SpendingHistory from '../graphql/SpendingHistory.graphql?raw';
import GiftReceipts from '../graphql/GiftReceipts.graphql?raw';
import Protection from '../graphql/Protection.graphql?raw';
import SetPrivacy from '../graphql/SetPrivacy.graphql?raw';
import SetSessionReminder from '../graphql/SetSessionReminder.graphql?raw';

const PERIODS = [['DAY', 'Daily'], ['WEEK', 'Weekly'], ['MONTH', 'Monthly']];
const WEEKS = 12;

/** A decimal amount as a whole number of hundredths, thousandths ... (`scale` digits), exactly: no floating point. */
const units = (amount, scale) => { const [whole, frac = ''] = String(amount).split('.'); return BigInt(whole + frac.padEnd(scale, '0')); };
const scaleOf = (amounts) => Math.max(0, ...amounts.map((a) => (String(a).split('.')[1] || '').length));

/** The exact sum of amounts of one currency. */
function total(amounts, currency) {
  const scale = scaleOf(amounts);
  const digits = amounts.reduce((t, a) => t + units(a, scale), 0n).toString().padStart(scale + 1, '0');
  return { amount: scale ? `${digits.slice(0, -scale)}.${digits.slice(-scale)}` : digits, currency };
}

/** A week as "Mar 3 – 9", in the time zone its calendar weeks are counted in (the viewer's, as the API counts them). */
function week(w, timeZone) {
  return new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', timeZone }).formatRange(new Date(w.from), new Date(Date.parse(w.until) - 1));
}

/** My spending: limits (lowering at once, raising after the cool-down), what was spent, and the receipts. */
class Spending extends View {
  static properties = { me: { attribute: false }, limits: { state: true }, summary: { state: true }, period: { state: true },
    receipts: { state: true }, receiptsNext: { state: true }, message: { state: true }, error: { state: true }, protection: { state: true }, weeks: { state: true },
    currency: { state: true } };

  constructor() {
    super();
    this.period = 'MONTH';
  }

  connectedCallback() {
    super.connectedCallback();
    this.load();
  }

  async load() {
    const choices = this.choices;
    const [limits, summary, receipts, protection, history] = await Promise.all([query(SpendingLimits), query(SpendingSummary, { period: this.period }),
      query(GiftReceipts, {}), query(Protection), query(SpendingHistory, { last: WEEKS })]);
    // (a read that began before the person flipped a switch is older than their choice: the switch keeps the choice)
    if (protection.data && choices === this.choices) this.protection = protection.data.me;
    // (the first read that failed says so: a list that could not be read would read as empty)
    this.error = failure(limits) || failure(receipts) || failure(summary) || failure(history);
    if (limits.data) this.limits = limits.data.spendingLimits;
    if (summary.data) this.summary = summary.data.spendingSummary;
    if (receipts.data) {
      this.receipts = receipts.data.giftReceipts.nodes;
      this.receiptsNext = receipts.data.giftReceipts.pageInfo.hasNextPage ? receipts.data.giftReceipts.pageInfo.endCursor : null;
    }
    if (history.data) {
      this.weeks = [...history.data.spendingHistory].reverse(); // oldest first, as the chart reads left to right
      this.currency = this.mainCurrency(history.data.wallet);
      await this.drawWeeksChart();
    }
  }

  /** The chart's currency: the viewer's own (their wallet's), else the one most weeks were paid in. Others go to the table. */
  mainCurrency(wallet) {
    if (wallet && wallet.moneyValue) return wallet.moneyValue.currency;
    const weeksPaidIn = new Map();
    this.weeks.forEach((w) => w.moneySpent.forEach((m) => weeksPaidIn.set(m.currency, (weeksPaidIn.get(m.currency) || 0) + 1)));
    return [...weeksPaidIn].sort((a, b) => b[1] - a[1]).map(([c]) => c)[0] || 'USD';
  }

  spentIn(w) {
    return w.moneySpent.find((m) => m.currency === this.currency) || { amount: '0', currency: this.currency };
  }

  /** Chart.js is fetched only once there are weeks to draw. Bar heights are the only place an amount becomes a float. */
  async drawWeeksChart() {
    await this.updateComplete;
    const canvas = this.querySelector('#chart-spending-weeks');
    if (!canvas) return;
    const { bars } = await import('../charts.js');
    const zone = timeZone(this.me && this.me.timeZone);
    bars(canvas, this.weeks.map((w) => week(w, zone)), this.weeks.map((w) => Number(this.spentIn(w).amount)), `Spent (${this.currency})`);
  }

  /** The chart and, for those who read rather than look, the same numbers in a table, with any other currencies. */
  renderWeeks() {
    const weeks = this.weeks;
    if (!weeks || !weeks.length) return '';
    const zone = timeZone(this.me && this.me.timeZone);
    const spent = weeks.map((w) => this.spentIn(w));
    const scale = scaleOf(spent.map((m) => m.amount));
    const most = weeks.reduce((m, w, i) => (units(spent[i].amount, scale) > units(spent[m].amount, scale) ? i : m), 0);
    const others = weeks.some((w) => w.moneySpent.some((m) => m.currency !== this.currency));
    const all = total(spent.map((m) => m.amount), this.currency);
    const summary = `Bar chart of the money you spent on coins each week, the last ${counted(weeks.length, 'week', 'weeks')}, oldest first, in ${this.currency}: `
      + (units(all.amount, scale) === 0n ? 'nothing in any week.' : `${money(all)} in all; the most, ${money(spent[most])}, in the week of ${week(weeks[most], zone)}; `
        + `this week, ${money(spent[spent.length - 1])}.`) + (others ? ' Payments in other currencies are listed in the table.' : '');
    return html`<figure data-testid="spending-by-week-chart"><figcaption>Spent per week (${this.currency}), oldest first</figcaption>
        <div style="height:12rem"><canvas id="chart-spending-weeks" role="img" aria-label=${summary}></canvas></div>
        <details><summary>The numbers</summary><div class="table-wrap" role="region" tabindex="0" aria-label="Spent per week"><table>
          <thead><tr><th>Week</th><th>Spent (${this.currency})</th><th>Other currencies</th><th>Coins bought</th><th>Coins gifted</th><th>Gifts</th></tr></thead><tbody>
          ${weeks.map((w, i) => html`<tr data-testid="spending-week-row"><td>${week(w, zone)}</td><td>${money(spent[i])}</td>
            <td>${w.moneySpent.filter((m) => m.currency !== this.currency).map((m) => money(m)).join(' + ')}</td>
            <td>${count(w.coinsBought)}</td><td>${count(w.coinsGifted)}</td><td>${count(w.giftsSent)}</td></tr>`)}</tbody></table></div></details></figure>`;
  }

  async setLimit(period, value) {
    const coins = value === '' ? null : Number(value);
    const r = await mutate(SetSpendingLimit, { input: { period, coins } });
    const problem = userError(r, 'setSpendingLimit');
    const l = r.data && r.data.setSpendingLimit.spendingLimit;
    const name = PERIODS.find((p) => p[0] === period)[1].toLowerCase();
    this.message = problem ? plainly(problem) : l.pendingEffectiveAt
      ? `Raising or removing a limit waits 24 hours: your new ${name} limit applies from ${when(l.pendingEffectiveAt)}.`
      : `Your ${name} limit is now ${l.coins === null ? 'none' : `${counted(l.coins, 'coin', 'coins')}`}, in force at once.`;
    this.load();
  }

  async setReminder(value) {
    const r = await mutate(SetSessionReminder, { input: { coins: value === '' ? null : Number(value) } });
    const problem = userError(r, 'setSessionReminder');
    const reminder = r.data && r.data.setSessionReminder.sessionReminder;
    this.message = problem ? plainly(problem) : reminder
      ? `We will ask before each gift once you have sent ${counted(reminder.coins, 'coin', 'coins')} (${money(reminder.value)}) in one stream.` : 'Session reminder removed.';
    this.load();
  }

  async setHidden(hidden) {
    // (shown as chosen at once: a render before the answer, a read still arriving, must not move the switch back)
    this.protection = { ...this.protection, hideFromLeaderboards: hidden };
    this.choices = (this.choices || 0) + 1;
    const r = await mutate(SetPrivacy, { input: { hideFromLeaderboards: hidden } });
    const problem = userError(r, 'setPrivacy');
    this.message = problem ? plainly(problem) : hidden ? 'You are off every leaderboard now.' : 'You appear on leaderboards again.';
    this.load();
  }

  renderProtection() {
    const p = this.protection;
    if (!p) return '';
    return html`<div class="cards"><article><header><strong>Session reminder</strong></header>
        <p data-testid="session-reminder">${p.sessionReminder ? html`After ${counted(p.sessionReminder.coins, 'coin', 'coins')} (${money(p.sessionReminder.value)}) in one stream, we ask before each gift.` : 'No reminder.'}</p>
        <p class="muted">Only you see this reminder: creators and other viewers never learn that you set one, or when it asked.</p>
        <form class="row" @submit=${(e) => { e.preventDefault(); this.setReminder(e.target.elements.coins.value); }}>
          <label>Remind me after (coins in one stream; empty for none)<input name="coins" type="number" min="1" step="1"></label><button type="submit">Set</button></form></article>
      <article><header><strong>Leaderboards</strong></header>
        <label><input type="checkbox" role="switch" data-testid="hide-from-leaderboards" .checked=${live(p.hideFromLeaderboards)}
          @change=${(e) => this.setHidden(e.target.checked)}> Keep me off leaderboards and top-gifter lists</label>
        <p class="muted">To stay anonymous for one gift only, tick “Send anonymously” when you send it.</p></article></div>`;
  }

  renderLimit(l) {
    const label = PERIODS.find((p) => p[0] === l.period)[1];
    return html`<article><header><strong>${label} limit</strong></header>
      <p data-testid=${`limit-${l.period}`}>${l.coins === null ? 'No limit' : html`${counted(l.coins, 'coin', 'coins')}${l.platformDefault ? ' (platform default)' : ''}`}</p>
      <p>Spent ${count(l.spent)}${l.remaining !== null ? html` · <strong>${count(l.remaining)} left</strong>` : ''} · resets ${when(l.resetsAt)}</p>
      ${l.pendingEffectiveAt ? html`<p class="muted">Changing to ${l.pendingRemoval ? 'no limit' : `${counted(l.pendingCoins, 'coin', 'coins')}`} on ${when(l.pendingEffectiveAt)} (the cool-down).</p>` : ''}
      <form @submit=${(e) => { e.preventDefault(); this.setLimit(l.period, e.target.elements.coins.value); }} class="row">
        <label>New ${label.toLowerCase()} limit (coins; empty for none)<input name="coins" type="number" min="0" step="1"></label>
        <button type="submit">Set</button></form></article>`;
  }

  render() {
    if (this.error) return html`<h1>My spending</h1><p class="refusal" role="alert">${this.error} <button @click=${() => this.load()}>Try again</button></p>`;
    if (!this.limits) return html`<h1>My spending</h1><p aria-busy="true">Loading…</p>`;
    const s = this.summary;
    return html`<h1>My spending</h1>
      <p class="muted">Limits count coins gifted per calendar day, week (from Monday) and month in your time zone. Lowering one takes effect at once; raising or removing one only after 24 hours.</p>
      <p role="status">${this.message || ''}</p>
      <div class="cards">${this.limits.map((l) => this.renderLimit(l))}</div>
      ${this.renderProtection()}
      <h2>What you spent</h2>
      <div role="group" class="row">${PERIODS.map(([p, label]) => html`<button class=${p === this.period ? '' : 'secondary outline'} aria-pressed=${p === this.period ? 'true' : 'false'}
        @click=${() => { this.period = p; this.load(); }}>${label}</button>`)}</div>
      ${s ? html`<p>${when(s.from)} – ${when(s.until)}: paid <strong>${s.moneySpent.length ? s.moneySpent.map((m) => money(m)).join(' + ') : money({ amount: '0', currency: this.currency || 'USD' })}</strong>,
        bought ${counted(s.coinsBought, 'coin', 'coins')}, gifted ${counted(s.coinsGifted, 'coin', 'coins')} in ${counted(s.giftsSent, 'gift', 'gifts')}.</p>
        ${s.perCreator.length ? html`<div class="table-wrap" role="region" tabindex="0" aria-label="Spending per creator"><table><thead><tr><th>Creator</th><th>Coins</th><th>Gifts</th></tr></thead><tbody>
          ${s.perCreator.map((c) => html`<tr><td>${c.creator.displayName}</td><td>${count(c.coins)}</td><td>${count(c.gifts)}</td></tr>`)}</tbody></table></div>` : html`<p class="muted">No gifts in this period.</p>`}` : ''}
      ${this.renderWeeks()}
      <h2>Receipts</h2>
      ${!this.receipts || this.receipts.length === 0 ? html`<p class="muted">No gifts sent yet.</p>` : html`<div class="table-wrap" role="region" tabindex="0" aria-label="Receipts"><table><thead><tr><th>When</th><th>Gift</th><th>Stream</th><th>Coins</th><th>Worth</th></tr></thead><tbody>
        ${this.receipts.map((r) => html`<tr><td>${when(r.createdAt)}</td><td>${r.gift.name} × ${r.quantity}${r.acknowledgedAt ? ' ♥' : ''}</td>
          <td>${r.stream ? r.stream.title : ''}</td><td>${count(r.coins)}</td><td>${money(r.value)}</td></tr>`)}</tbody></table></div>
        ${this.receiptsNext ? html`<button class="secondary outline" data-testid="more-receipts" @click=${() => this.olderReceipts()}>Older receipts</button>` : ''}`}`;
  }

  async olderReceipts() {
    const after = this.receiptsNext;
    const r = await query(GiftReceipts, { after });
    // (a page the list already has (a double click on Older) adds nothing: only the page after the list's last is added)
    if (after !== this.receiptsNext) return;
    this.error = failure(r);
    if (!r.data) return;
    this.receipts = [...this.receipts, ...r.data.giftReceipts.nodes];
    this.receiptsNext = r.data.giftReceipts.pageInfo.hasNextPage ? r.data.giftReceipts.pageInfo.endCursor : null;
  }
}
customElements.define('cs-spending', Spending);
