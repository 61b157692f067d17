import { html } from 'lit';
import { live } from 'lit/directives/live.js';
import { View } from '../main.js';
import { query, mutate, userError } from '../api.js';
import { plainly, failure } from '../messages.js';
import { money, count, counted, when } from '../format.js';
import { saveText, saveDownload } from '../download.js';
import ExportMyData from '../graphql/ExportMyData.graphql?raw';
import RequestErasure from '../graphql/RequestErasure.graphql?raw';
import Protection from '../graphql/Protection.graphql?raw';
import SetPrivacy from '../graphql/SetPrivacy.graphql?raw';

/** What the export holds, section by section, in words a person reads. */
const SECTIONS = [
  ['purchases', 'coin purchase', 'coin purchases'],
  ['reversals', 'refund or chargeback', 'refunds and chargebacks'],
  ['grants', 'coin grant from our team', 'coin grants from our team'],
  ['giftsSent', 'gift sent', 'gifts sent'],
  ['giftsReceivedByStream', 'stream that received gifts', 'streams that received gifts'],
  ['liveStreams', 'live stream', 'live streams'],
  ['spendingLimits', 'spending limit', 'spending limits'],
  ['payoutAccounts', 'payout account (masked)', 'payout accounts (masked)'],
  ['payouts', 'payout', 'payouts'],
  ['webhookSubscriptions', 'webhook subscription (no secret)', 'webhook subscriptions (no secrets)'],
  ['overlayKeys', 'overlay key (hint only)', 'overlay keys (hints only)'],
  ['auditRecords', 'record of what an admin did about you', 'records of what admins did about you'],
  ['erasureRequests', 'erasure request', 'erasure requests'],
];

/** My data: the export and what it contains, privacy choices and what others see, and deleting the account. */
class Account extends View {
  static properties = { me: { attribute: false }, wallet: { attribute: false }, doc: { state: true }, protection: { state: true },
    confirmed: { state: true }, message: { state: true }, error: { state: true }, busy: { state: true } };

  connectedCallback() {
    super.connectedCallback();
    this.load();
  }

  async load() {
    const choices = this.choices;
    const [exported, protection] = await Promise.all([query(ExportMyData), query(Protection)]);
    this.error = failure(exported);
    // (a read that failed leaves no older document behind: what it said of an erasure request may no longer hold)
    this.doc = exported.data ? JSON.parse(exported.data.exportMyData.document) : null;
    // (a read that began before the person flipped a switch is older than their choice: the switch keeps the choice)
    if (protection.data && choices === this.choices) this.protection = protection.data.me;
  }

  /** The privacy switches as the service now holds them (the export is not built again for a switch). */
  async loadProtection() {
    const choices = this.choices;
    const r = await query(Protection);
    if (r.data && choices === this.choices) this.protection = r.data.me;
  }

  /** Every purchase, refund and gift sent, as CSV (the export's lists stop at their latest 10,000). */
  async downloadHistory() {
    const refused = await saveDownload('/exports/history.csv', `coinstream-history-${new Date().toISOString().slice(0, 10)}.csv`);
    this.message = refused || 'Your purchases, refunds and gifts sent were downloaded as one CSV file.';
  }

  async download() {
    const r = await query(ExportMyData);
    this.error = failure(r);
    if (!r.data) return;
    saveText(`coinstream-my-data-${r.data.exportMyData.exportedAt.slice(0, 10)}.json`, r.data.exportMyData.document, 'application/json');
    this.message = 'Your data was downloaded as one JSON file.';
  }

  async setHidden(hidden) {
    // (shown as chosen at once: a render before the answer, a read still arriving, must not move the switch back)
    this.protection = { ...this.protection, hideFromLeaderboards: hidden };
    this.choices = (this.choices || 0) + 1;
    const r = await mutate(SetPrivacy, { input: { hideFromLeaderboards: hidden } });
    const problem = userError(r, 'setPrivacy');
    this.message = problem ? plainly(problem) : hidden ? 'You are off every leaderboard now.' : 'You appear on leaderboards again.';
    this.loadProtection();
  }

  async setAnonymousByDefault(on) {
    this.protection = { ...this.protection, anonymousByDefault: on }; // (as for setHidden)
    this.choices = (this.choices || 0) + 1;
    const r = await mutate(SetPrivacy, { input: { anonymousByDefault: on } });
    const problem = userError(r, 'setPrivacy');
    this.message = problem ? plainly(problem)
      : on ? 'Your gifts now start out anonymous: “Send anonymously” is ticked in every room.' : 'Your gifts now start out with your name.';
    this.loadProtection();
  }

  async erase(e) {
    e.preventDefault();
    this.busy = true;
    const r = await mutate(RequestErasure, { input: { reason: e.target.elements.reason.value.trim() || null } });
    this.busy = false;
    const problem = userError(r, 'requestErasure') || (r.error ? { message: failure(r) } : null);
    const req = r.data && r.data.requestErasure.erasureRequest;
    this.message = problem ? plainly(problem)
      : `Your request is recorded. Your account will be deleted after ${when(req.eligibleAt)}, once our team has completed it.`;
    this.load();
  }

  open() {
    return this.doc ? (this.doc.erasureRequests || []).find((x) => x.status === 'REQUESTED') : null;
  }

  renderContents() {
    const d = this.doc;
    if (!d) return this.error ? html`<p class="muted">Not loaded: see above.</p>` : html`<p aria-busy="true">Loading…</p>`;
    const anonymous = (d.giftsSent || []).filter((g) => g.anonymous).length;
    return html`<ul data-testid="export-contents">
        <li>Your profile: name <strong>${d.profile.displayName}</strong>, region ${d.profile.region}${d.profile.birthdate ? html`, birthdate ${d.profile.birthdate}` : ''}</li>
        ${SECTIONS.map(([key, one, other]) => {
          const listed = (d[key] || []).length;
          const total = d[`${key}Total`] ?? listed;
          return html`<li>${counted(total, one, other)}${key === 'giftsSent' && anonymous
            ? html` (${counted(anonymous, 'was', 'were')} sent anonymously: you see them as yours here; nobody else does)` : ''}${total > listed
            ? html` (the file lists the latest ${listed.toLocaleString()}${['purchases', 'reversals', 'giftsSent'].includes(key)
              ? '; every one is in your history download' : ''})` : ''}</li>`;
        })}
      </ul>`;
  }

  renderPrivacy() {
    const p = this.protection;
    if (!p) return '';
    return html`<article><header><strong>What others see of you</strong></header>
      <label><input type="checkbox" role="switch" data-testid="account-hide" .checked=${live(p.hideFromLeaderboards)}
        @change=${(e) => this.setHidden(e.target.checked)}> Keep me off leaderboards and top-gifter lists</label>
      <label><input type="checkbox" role="switch" data-testid="account-anonymous-default" .checked=${live(p.anonymousByDefault)}
        aria-describedby="anonymous-default-effect" @change=${(e) => this.setAnonymousByDefault(e.target.checked)}> Send my gifts anonymously by default</label>
      <p class="muted" id="anonymous-default-effect">When this is on, your gifts show as “Anonymous” in rooms, feeds, leaderboards and creators' webhooks;
        the creator's earnings still count them. The room starts with “Send anonymously” ticked, and you can untick it for one gift.</p>
      <ul class="muted">
        <li>${p.hideFromLeaderboards ? 'Leaderboards, top gifters and match supporters leave your name out.' : 'Leaderboards, top gifters and match supporters show your name next to what you gave.'}
          The room's feed still shows your named gifts as they arrive.</li>
        <li>A gift you send anonymously (“Send anonymously” in the room) shows as “Anonymous” to everyone, the creator included, and joins the one
          “Anonymous” entry on every board. Only you see it as yours.</li>
        <li>A reminder before each gift after an amount in one stream is under <a href="/spending">My spending</a>.</li>
      </ul></article>`;
  }

  renderErasure() {
    const open = this.open();
    const w = this.wallet;
    if (!this.doc) {
      // whether a request is open is read from the export: until it is read, neither the status nor the form (a second
      // request to someone who asked already)
      return this.error ? html`<p class="muted" data-testid="erasure-status">Whether you have asked to delete your account could not be read.
        <button class="secondary outline" @click=${() => this.load()}>Try again</button></p>` : html`<p aria-busy="true">Loading…</p>`;
    }
    if (open) {
      return html`<p data-testid="erasure-status" role="status">You asked to delete your account on ${when(open.requestedAt)}.
        It will be deleted after ${when(open.eligibleAt)}, once our team has completed it. Until then your account works as before.</p>`;
    }
    return html`<p>Deleting your account cannot be undone. Here is what happens:</p>
      <ul data-testid="erasure-consequences">
        <li>${w ? html`Your <strong>${counted(w.coins, 'coin', 'coins')}</strong>${w.moneyValue ? html`, worth <strong>${money(w.moneyValue)}</strong>,` : ''} are forfeited: coins are not refunded.`
          : 'Any coins left in your wallet are forfeited: coins are not refunded.'}
          ${w && Number(w.coinDebt) > 0 ? html` They first repay the ${counted(w.coinDebt, 'coin', 'coins')} you owe from a refunded purchase; the rest of that debt is written off.` : ''}</li>
        <li>Your name becomes a pseudonym (“Erased user …”) everywhere, including past gifts; creators keep the amounts they received.</li>
        <li>Your birthdate, limits, reminder, payout accounts, webhooks and overlay keys are removed, and a live stream of yours ends.</li>
        <li>After a waiting period our team completes the deletion. A payout in flight or a purchase still pending must be settled first.
          If you are a creator, cash out first: diamonds still maturing, or enough to cash out, wait for you; fewer diamonds than the cash-out minimum are forfeited.</li>
        <li>From then on, you cannot sign in with this account.</li>
      </ul>
      <form @submit=${(e) => this.erase(e)}>
        <label>Why are you leaving? (optional)<input name="reason" maxlength="500" autocomplete="off"></label>
        <label><input type="checkbox" name="understood" .checked=${!!this.confirmed} @change=${(e) => (this.confirmed = e.target.checked)}>
          I understand that my coins are forfeited and that this cannot be undone</label>
        <button type="submit" class="contrast" ?disabled=${!this.confirmed || this.busy}>Delete my account</button></form>`;
  }

  render() {
    if (!this.me) return html`<h1>My data</h1><p>Sign in to see your data.</p>`;
    return html`<h1>My data</h1>
      ${this.error ? html`<p class="refusal" role="alert">${this.error} <button @click=${() => this.load()}>Try again</button></p>` : ''}
      <p role="status" data-testid="account-message">${this.message || ''}</p>
      <h2>Everything we hold about you</h2>
      <p>One JSON file with all of it: the same document as <code>exportMyData</code>.</p>
      <div class="row"><button @click=${() => this.download()}>Download my data</button>
        <button class="secondary" @click=${() => this.downloadHistory()}>Download my history (CSV)</button></div>
      <p class="muted">The history lists every purchase, refund and gift you sent, however many.</p>
      ${this.renderContents()}
      <h2>Privacy</h2>
      ${this.renderPrivacy()}
      <h2>Delete my account</h2>
      ${this.renderErasure()}`;
  }
}
customElements.define('cs-account', Account);
