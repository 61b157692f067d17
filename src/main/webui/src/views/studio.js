import { html } from 'lit';
import { twoStep } from '../twostep.js';
import { View } from '../main.js';
import { query, mutate, userError, Intents, submitOnce } from '../api.js';
import { plainly, failure } from '../messages.js';
import { money, count, counted, when, clock, days } from '../format.js';
import { icon, coins, diamonds } from '../gifts.js';
import { StreamFeed } from '../feed.js';
import MyStream from '../graphql/MyStream.graphql?raw';
import StartLiveStream from '../graphql/StartLiveStream.graphql?raw';
import EndLiveStream from '../graphql/EndLiveStream.graphql?raw';
import StreamEvents from '../graphql/StreamEvents.graphql?raw';
import AcknowledgeGift from '../graphql/AcknowledgeGift.graphql?raw';
import TopGifters from '../graphql/TopGifters.graphql?raw';
import Earnings from '../graphql/Earnings.graphql?raw';
import GiftsReceived from '../graphql/GiftsReceived.graphql?raw';
import Payouts from '../graphql/Payouts.graphql?raw';
import RegisterPayoutAccount from '../graphql/RegisterPayoutAccount.graphql?raw';
import RequestPayout from '../graphql/RequestPayout.graphql?raw';
import OverlayKeys from '../graphql/OverlayKeys.graphql?raw';
import CreateOverlayKey from '../graphql/CreateOverlayKey.graphql?raw';
import RevokeOverlayKey from '../graphql/RevokeOverlayKey.graphql?raw';
import Catalogue from '../graphql/Catalogue.graphql?raw';
import LiveStreams from '../graphql/LiveStreams.graphql?raw';
import SetStreamGoal from '../graphql/SetStreamGoal.graphql?raw';
import EndStreamGoal from '../graphql/EndStreamGoal.graphql?raw';
import Matches from '../graphql/Matches.graphql?raw';
import InviteToMatch from '../graphql/InviteToMatch.graphql?raw';
import RespondToMatchInvite from '../graphql/RespondToMatchInvite.graphql?raw';
import CreatorStatement from '../graphql/CreatorStatement.graphql?raw';
import { saveDownload } from '../download.js';
import { Activity, renderBattle, renderGoals, renderCombos } from '../engagement.js';
import './webhooks.js';

const TABS = [['live', 'Live'], ['earnings', 'Earnings'], ['payouts', 'Payouts'], ['statements', 'Statements'], ['webhooks', 'Webhooks'], ['overlay', 'Overlay']];

/** This UTC month and the eleven before it, as YYYY-MM. */
function recentMonths() {
  const now = new Date();
  return Array.from({ length: 12 }, (_, i) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - i, 1)).toISOString().slice(0, 7));
}

/** The creator studio: go live, the live dashboard, earnings with charts, payouts and the overlay's keys. */
class Studio extends View {
  static properties = { me: { attribute: false }, arming: { state: true }, tab: { state: true }, stream: { state: true }, streamUnknown: { state: true }, feed: { state: true }, top: { state: true },
    earnings: { state: true }, payouts: { state: true }, keys: { state: true }, newKey: { state: true }, message: { state: true }, error: { state: true },
    gifts: { state: true }, others: { state: true }, invitations: { state: true }, statement: { state: true }, month: { state: true },
    received: { state: true }, receivedNext: { state: true } };

  constructor() {
    super();
    this.tab = 'live';
    this.feed = [];
    this.intents = new Intents();
  }

  connectedCallback() {
    super.connectedCallback();
    this.loadStream();
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    if (this.live) this.live.stop();
    if (this.activity) this.activity.stop();
  }

  show(tab) {
    this.tab = tab;
    this.newKey = null; // a new overlay key's address is shown once, on the tab it was made on
    this.message = null;
    this.error = null; // (a tab's failure is its own: the next tab says its own, if any)
    if (tab === 'earnings') this.loadEarnings();
    if (tab === 'payouts') this.loadPayouts();
    if (tab === 'overlay') this.loadKeys();
    if (tab === 'statements') this.loadStatement();
  }

  async loadStatement(month = this.month || recentMonths()[0]) {
    this.month = month;
    this.statement = null;
    const r = await query(CreatorStatement, { month });
    if (this.month !== month) return; // (another month was picked meanwhile: its answer is the one to show)
    this.error = failure(r);
    if (r.data) this.statement = r.data.creatorStatement;
  }

  async downloadStatement() {
    this.message = (await saveDownload(this.statement.csvPath, `statement-${this.statement.month}.csv`)) || `Statement for ${this.statement.month} downloaded.`;
  }

  renderStatements() {
    const s = this.statement;
    const line = (label, value, testid) => html`<tr><th scope="row">${label}</th><td data-testid=${testid}>${diamonds(value)}</td></tr>`;
    return html`<form class="row" @submit=${(e) => e.preventDefault()}><label>Month (UTC)<select @change=${(e) => this.loadStatement(e.target.value)}>
        ${recentMonths().map((m) => html`<option value=${m} ?selected=${m === this.month}>${m}</option>`)}</select></label></form>
      ${!s ? (this.error ? html`<p class="refusal" role="alert">${this.error} <button @click=${() => this.loadStatement(this.month)}>Try again</button></p>`
        : html`<p aria-busy="true">Loading…</p>`) : html`<p class="muted">Diamonds from the ledger, ${days(s.from, s.to)} (UTC).</p>
        <div class="cards"><article><header><strong>Balances</strong></header><div class="table-wrap" role="region" tabindex="0" aria-label="Balances"><table>
          <thead><tr><th></th><th>Opening</th><th>Closing</th></tr></thead><tbody>
          ${[['Pending', 'pending'], ['Available', 'available'], ['In payout', 'inPayout']].map(([label, k]) => html`<tr><th scope="row">${label}</th>
            <td>${diamonds(s.opening[k])}</td><td data-testid=${`closing-${k}`}>${diamonds(s.closing[k])}</td></tr>`)}</tbody></table></div></article>
        <article><header><strong>Movements</strong></header><div class="table-wrap" role="region" tabindex="0" aria-label="Movements"><table><tbody>
          ${line('Earned from gifts', s.earned, 'earned')}${line('Reversed by refunds', s.reversed, 'reversed')}${line('Matured (past the hold)', s.matured, 'matured')}
          ${line('Set aside for payouts', s.payoutsRequested, 'payouts-requested')}${line('Paid out', s.paidOut, 'paid-out')}${line('Returned (rejected or failed)', s.payoutsReturned, 'payouts-returned')}
          </tbody></table></div></article></div>
        <h3>Streams</h3>${s.streams.length === 0 ? html`<p class="muted">No gifts this month.</p>` : html`<div class="table-wrap" role="region" tabindex="0" aria-label="Streams this month"><table>
          <thead><tr><th>Stream</th><th>Started</th><th>Gifts</th><th>Diamonds</th></tr></thead><tbody>
          ${s.streams.map((x) => html`<tr><td>${x.title}</td><td>${when(x.startedAt)}</td><td>${count(x.gifts)}</td><td>${diamonds(x.diamonds)}</td></tr>`)}
          ${Number(s.otherStreams.streams) > 0 ? html`<tr><td>${counted(s.otherStreams.streams, 'more stream', 'more streams')}</td><td></td><td>${count(s.otherStreams.gifts)}</td><td>${diamonds(s.otherStreams.diamonds)}</td></tr>` : ''}</tbody></table></div>`}
        <h3>Payouts closed</h3>${s.payouts.length === 0 ? html`<p class="muted">None this month.</p>` : html`<div class="table-wrap" role="region" tabindex="0" aria-label="Payouts closed this month"><table>
          <thead><tr><th>Closed</th><th>Status</th><th>Diamonds</th><th>Amount</th></tr></thead><tbody>
          ${s.payouts.map((p) => html`<tr><td>${when(p.closedAt)}</td><td>${p.status.toLowerCase()}</td><td>${diamonds(p.diamonds)}</td><td>${money(p.amount)}</td></tr>`)}</tbody></table></div>`}
        <button @click=${() => this.downloadStatement()}>Download CSV</button>`}`;
  }

  async loadStream() {
    if (!this.me) return;
    const r = await query(MyStream, { creatorId: this.me.id });
    // (the studio was left while it loaded: no feed is started for it, as it would run on unseen)
    if (!this.isConnected) return;
    this.error = failure(r);
    this.streamUnknown = !r.data;
    this.stream = r.data && r.data.liveStreams.nodes.length ? r.data.liveStreams.nodes[0] : null;
    if (this.live) this.live.stop();
    this.feed = [];
    if (!this.stream) return;
    const recent = await query(StreamEvents, { streamId: this.stream.id, after: Math.max(0, Number(this.stream.totals.gifts) - 20) });
    if (!this.isConnected) return;
    const events = recent.data ? recent.data.streamEvents : [];
    this.feed = [...events].reverse();
    if (this.live) this.live.stop();
    this.live = new StreamFeed(this.stream.id, (e, again) => this.arrived(e, again)).start(events.length ? Number(events[events.length - 1].sequence) : Number(this.stream.totals.gifts));
    this.refreshTop();
    if (this.activity) this.activity.stop();
    this.activity = new Activity(this.stream.id, () => this.activityChanged());
    this.activity.start(this.stream.currentMatch ? this.stream.currentMatch.id : null);
    this.loadMechanics();
  }

  activityChanged() {
    const m = this.activity.match;
    if (m && m.status === 'INVITED' && !(this.invitations || []).some((i) => i.id === m.id)) this.loadMechanics();
    this.requestUpdate();
  }

  /** What goals and matches need: the gifts a goal can count, the other live streams, invitations waiting for me. */
  async loadMechanics() {
    const [gifts, streams, matches] = await Promise.all([query(Catalogue, { region: this.me.region || 'US' }), query(LiveStreams, {}), query(Matches)]);
    if (gifts.data) this.gifts = gifts.data.giftCatalogue;
    if (streams.data) this.others = streams.data.liveStreams.nodes.filter((s) => s.creator.id !== this.me.id);
    if (matches.data) this.invitations = matches.data.matches.nodes.filter((m) => m.status === 'INVITED' && m.invitee.creator.id === this.me.id);
  }

  /** (Each form of the studio sends once at a time (submitOnce): a double click made two goals, keys or invitations.) */
  setGoal(e) {
    return submitOnce(e, async (f, form) => {
      const input = { streamId: this.stream.id, title: f.title.value, kind: f.kind.value, target: Number(f.target.value) };
      if (f.kind.value === 'GIFT') input.giftId = f.gift.value;
      const r = await mutate(SetStreamGoal, { input });
      const problem = userError(r, 'setStreamGoal');
      this.message = problem ? plainly(problem) : `Goal set: ${r.data.setStreamGoal.goal.title}.`;
      if (!problem) {
        const g = r.data.setStreamGoal.goal;
        this.activity.goals.set(g.id, { ...g, gift: input.giftId ? this.gifts.find((x) => x.id === input.giftId) : null });
        form.reset();
      }
    });
  }

  async endGoal(goal) {
    const r = await mutate(EndStreamGoal, { input: { goalId: goal.id } });
    const problem = userError(r, 'endStreamGoal');
    this.message = problem ? plainly(problem) : `Goal ended at ${count(r.data.endStreamGoal.goal.progress)} of ${count(goal.target)}.`;
    if (!problem) this.activity.goals.delete(goal.id);
    this.requestUpdate();
  }

  invite(e) {
    return submitOnce(e, async (f) => {
      const r = await mutate(InviteToMatch, { input: { streamId: this.stream.id, opponentStreamId: f.opponent.value, durationSeconds: Number(f.duration.value) } });
      const problem = userError(r, 'inviteToMatch');
      this.message = problem ? plainly(problem) : `Invitation sent; it expires ${when(r.data.inviteToMatch.match.expiresAt)}.`;
    });
  }

  async answer(match, accept) {
    const r = await mutate(RespondToMatchInvite, { input: { matchId: match.id, accept } });
    const problem = userError(r, 'respondToMatchInvite');
    this.message = problem ? plainly(problem) : accept ? 'The match has started!' : 'Invitation declined.';
    if (!problem && accept) await this.activity.loadMatch(match.id);
    this.loadMechanics();
  }

  renderMechanics() {
    const a = this.activity;
    const activeGoals = a ? [...a.goals.values()] : [];
    return html`${a ? html`${renderBattle(a)}${renderCombos(a)}${renderGoals(a)}` : ''}
      <div class="cards" style="margin-top:1rem">
        <section aria-labelledby="goals-heading"><h2 id="goals-heading">Goals</h2>
          ${activeGoals.length ? html`<ul>${activeGoals.map((g) => html`<li class="row">${g.title}
            <button class="secondary outline" style="padding:.2rem .6rem" aria-label=${`End goal ${g.title}`} @click=${() => this.endGoal(g)}>End goal</button></li>`)}</ul>` : ''}
          <form @submit=${(e) => this.setGoal(e)}>
            <label>Goal<input name="title" required maxlength="80" placeholder="Help me reach 1,000 Roses"></label>
            <div class="row"><label>Counts<select name="kind">
              <option value="COINS">all coins</option><option value="GIFT">one gift</option></select></label>
            <label>Gift to count (one-gift goals)<select name="gift">${(this.gifts || []).map((g) => html`<option value=${g.id}>${g.name}</option>`)}</select></label>
            <label>Target<input name="target" type="number" min="1" step="1" required style="width:8rem"></label></div>
            <button type="submit">Set goal</button></form>
          <p class="muted">At most three goals at a time. They count the gifts from now until you end them or the stream ends.</p></section>
        <section aria-labelledby="match-heading"><h2 id="match-heading">LIVE Match</h2>
          ${(this.invitations || []).map((m) => html`<article data-testid="invitation"><p><strong>${m.inviter.creator.displayName}</strong> challenges you
            (expires ${clock(m.expiresAt)}).</p><div class="row"><button @click=${() => this.answer(m, true)}>Accept</button>
            <button class="secondary outline" @click=${() => this.answer(m, false)}>Decline</button></div></article>`)}
          ${this.others && this.others.length ? html`<form @submit=${(e) => this.invite(e)}>
            <label>Challenge<select name="opponent">${this.others.map((s) => html`<option value=${s.id}>${s.creator.displayName}: ${s.title}</option>`)}</select></label>
            <label>Length<select name="duration"><option value="60">1 minute</option><option value="180">3 minutes</option><option value="300" selected>5 minutes</option><option value="600">10 minutes</option></select></label>
            <button type="submit">Invite to a match</button></form>` : html`<p class="muted">Nobody else is live right now.</p>`}
          <p class="muted">The score is the coins each stream receives during the match. Ending your stream mid-match forfeits it.</p></section></div>`;
  }

  arrived(event, again) {
    this.feed = again ? this.feed.map((f) => (f.id === event.id ? event : f)) : [event, ...this.feed].slice(0, 100);
    // (an event seen before, sent again after a reconnection, carries the total of its own time: the total stays)
    if (!again) this.stream = { ...this.stream, totals: { ...this.stream.totals, coins: event.streamTotal } };
    clearTimeout(this.t);
    this.t = setTimeout(() => this.refreshTop(), 400);
  }

  async refreshTop() {
    const r = await query(TopGifters, { id: this.stream.id });
    if (r.data) this.top = r.data.topGifters;
  }

  goLive(e) {
    return submitOnce(e, async (f) => {
      const r = await mutate(StartLiveStream, { input: { title: f.title.value } });
      const problem = userError(r, 'startLiveStream');
      this.message = problem ? plainly(problem) : null;
      await this.loadStream();
    });
  }

  async end() {
    const r = await mutate(EndLiveStream, { input: { streamId: this.stream.id } });
    const problem = userError(r, 'endLiveStream');
    this.message = problem ? plainly(problem) : 'Your stream has ended. Gifts are no longer accepted.';
    await this.loadStream();
  }

  async thank(event) {
    const r = await mutate(AcknowledgeGift, { input: { giftEventId: event.id } });
    const problem = userError(r, 'acknowledgeGift');
    if (problem) this.message = plainly(problem);
    else this.feed = this.feed.map((f) => (f.id === event.id ? { ...f, acknowledgedAt: r.data.acknowledgeGift.giftEvent.acknowledgedAt } : f));
  }

  async loadEarnings() {
    this.error = null;
    const [r] = await Promise.all([query(Earnings), this.loadReceived()]);
    this.error = failure(r) || this.error; // (the list's failure, if it failed, stays said)
    if (!r.data) return;
    this.earnings = r.data.earnings;
    await this.updateComplete;
    const { bars } = await import('../charts.js');
    const e = this.earnings;
    bars(this.querySelector('#chart-day'), e.byDay.map((d) => d.day.slice(5)), e.byDay.map((d) => Number(d.diamonds)), 'Diamonds per day');
    bars(this.querySelector('#chart-stream'), e.byStream.map((s) => (s.stream ? s.stream.title : '')), e.byStream.map((s) => Number(s.diamonds)), 'Diamonds per stream');
    bars(this.querySelector('#chart-gift'), e.byGift.map((g) => (g.gift ? g.gift.name : '')), e.byGift.map((g) => Number(g.diamonds)), 'Diamonds per gift');
    bars(this.querySelector('#chart-hour'), e.hourOfDay.map((h) => String(h.hour)), e.hourOfDay.map((h) => Number(h.diamonds)), 'Diamonds per hour of day');
  }

  /** Gifts received in every stream, newest first, each with the diamonds it credited (the same receipts their senders see). */
  async loadReceived(after = null) {
    const r = await query(GiftsReceived, { after });
    // (a list that could not be read says so: an empty one would read as "no gifts received yet")
    if (!r.data) {
      this.error = failure(r) || this.error;
      return;
    }
    // (a page the list already has (a double click on Older) adds nothing: only the page after the list's last is added)
    if (after && after !== this.receivedNext) return;
    this.received = [...(after ? this.received : []), ...r.data.giftsReceived.nodes];
    this.receivedNext = r.data.giftsReceived.pageInfo.hasNextPage ? r.data.giftsReceived.pageInfo.endCursor : null;
  }

  async loadPayouts(after) {
    const r = await query(Payouts, after ? { after } : {});
    // (a page the list already has (a double click on Older) adds nothing: only the page after the list's last is added)
    if (after && !(this.payouts && this.payouts.payouts.pageInfo.endCursor === after)) return;
    this.error = failure(r);
    if (!r.data) return;
    // older payouts are added under the ones shown (the rest of the answer is read afresh)
    this.payouts = after && this.payouts
      ? { ...r.data, payouts: { ...r.data.payouts, nodes: [...this.payouts.payouts.nodes, ...r.data.payouts.nodes] } } : r.data;
  }

  register(e) {
    return submitOnce(e, async (f) => {
      const r = await mutate(RegisterPayoutAccount, { input: { kind: f.kind.value, externalToken: f.token.value, label: f.label.value } });
      const problem = userError(r, 'registerPayoutAccount');
      this.message = problem ? plainly(problem) : 'Account registered. It can be used once our team has verified it.';
      this.loadPayouts();
    });
  }

  request(e) {
    return submitOnce(e, async (f) => {
      const input = { diamonds: Number(f.diamonds.value), payoutAccountId: f.account.value };
      const r = await mutate(RequestPayout, { input: { ...input, idempotencyKey: this.intents.key('requestPayout', input) } });
      const problem = userError(r, 'requestPayout');
      this.intents.settle('requestPayout', problem);
      this.message = problem ? plainly(problem) : `Payout of ${money(r.data.requestPayout.payout.amount)} requested; expected by ${when(r.data.requestPayout.payout.expectedBy)}.`;
      this.loadPayouts();
    });
  }

  async loadKeys() {
    const r = await query(OverlayKeys);
    // (a failure says so: an empty list would read as "no keys")
    this.error = failure(r);
    if (r.data) this.keys = r.data.overlayKeys;
  }

  createKey(e) {
    return submitOnce(e, async (f) => {
      const r = await mutate(CreateOverlayKey, { input: { label: f.label.value } });
      const problem = userError(r, 'createOverlayKey');
      this.newKey = problem ? null : r.data.createOverlayKey.key;
      this.message = problem ? plainly(problem) : null;
      await this.loadKeys();
    });
  }

  async revoke(key) {
    const problem = userError(await mutate(RevokeOverlayKey, { input: { overlayKeyId: key.id } }), 'revokeOverlayKey');
    this.message = problem ? plainly(problem) : null;
    this.newKey = null;
    this.loadKeys();
  }

  renderLive() {
    if (this.streamUnknown) {
      // (whether the creator is live could not be read: neither "Go live" to someone live already, nor an empty dashboard)
      return html`<p class="muted" data-testid="stream-unknown">Whether you are live could not be read.
        <button class="secondary outline" @click=${() => this.loadStream()}>Try again</button></p>`;
    }
    if (!this.stream) {
      return html`<form @submit=${(e) => this.goLive(e)}><label>Stream title<input name="title" required maxlength="140" placeholder="Friday night live"></label>
        <button type="submit">Go live</button></form>`;
    }
    // What arrives comes first, above the fold: the gifts to thank, the total, top gifters; goals and matches, set up less often, after.
    return html`<p><strong>${this.stream.title}</strong> · live since ${when(this.stream.startedAt)} ·
        <strong data-testid="studio-total">${coins(this.stream.totals.coins)}</strong> received · <a href=${`/stream/${this.stream.id}`}>open the room</a></p>
      ${twoStep(this, 'end', { label: 'End stream', confirm: this.stream.currentMatch && this.stream.currentMatch.status === 'RUNNING'
        ? 'End the stream and forfeit the match' : 'End the stream now', run: () => this.end() })}
      <div class="cards" style="margin-top:1rem"><section><h2>Gifts arriving</h2>
        ${this.feed.length === 0 ? html`<p class="muted">No gifts yet.</p>` : ''}
        <div class="feed-scroll" role="region" tabindex="0" aria-label="Gifts arriving, newest first"><ul class="feed" data-testid="studio-feed">${this.feed.map((e) => html`<li class="row"><span><span aria-hidden="true">${icon(e.gift)}</span>
          <strong><bdi>${e.senderName}</bdi></strong> · <bdi>${e.gift ? e.gift.name : 'gift'}</bdi> × ${e.quantity} <small class="muted">${clock(e.createdAt)}</small></span>
          ${e.acknowledgedAt ? html`<small>thanked ♥</small>` : html`<button class="outline" style="padding:.2rem .6rem" @click=${() => this.thank(e)}
            aria-label=${`Thank ${e.senderName} for ${e.gift ? e.gift.name : 'the gift'}`}>Thank</button>`}</li>`)}</ul></div></section>
        <section><h2>Top gifters</h2>${this.top && this.top.length ? html`<ol>${this.top.map((t) => html`<li><bdi>${t.supporter.displayName}</bdi> — ${coins(t.coins)}</li>`)}</ol>` : html`<p class="muted">Nobody yet.</p>`}</section></div>
      ${this.renderMechanics()}`;
  }

  renderEarnings() {
    const e = this.earnings;
    if (!e) return html`<p aria-busy="true">Loading…</p>`;
    const d = e.diamonds;
    return html`<div class="cards">
        <article><header>Pending</header><p style="font-size:1.6rem">${diamonds(d.pending)}</p><p class="muted">${d.maturesAt ? html`the oldest become available ${when(d.maturesAt)}` : 'none waiting'}</p></article>
        <article><header>Available</header><p style="font-size:1.6rem" data-testid="available">${diamonds(d.available)}</p><p class="muted">can be cashed out</p></article>
        <article><header>In payout</header><p style="font-size:1.6rem">${diamonds(d.inPayout)}</p></article>
        <article><header>Worth</header><p style="font-size:1.6rem">${money(e.cashValue)}</p><p class="muted">pending + available</p></article></div>
      <div class="cards">${[['chart-day', 'By day (last 30)', e.byDay.map((x) => [x.day, x.diamonds])],
        ['chart-stream', 'By stream', e.byStream.map((x) => [x.stream ? x.stream.title : '', x.diamonds])],
        ['chart-gift', 'By gift', e.byGift.map((x) => [x.gift ? x.gift.name : '', x.diamonds])],
        ['chart-hour', 'By hour of day', e.hourOfDay.map((x) => [String(x.hour), x.diamonds])]].map(([id, title, rows]) => html`
        <figure><figcaption>${title}</figcaption><div style="height:12rem"><canvas id=${id} role="img" aria-label=${`Diamonds ${title.toLowerCase()}`}></canvas></div>
          <details><summary>The numbers</summary><div class="table-wrap" role="region" tabindex="0" aria-label=${`Diamonds ${title.toLowerCase()}`}><table>
            <thead><tr><th>${title.replace(/^By /, '').replace(/ \(last 30\)$/, '')}</th><th>Diamonds</th></tr></thead>
            <tbody>${rows.map(([label, n]) => html`<tr><td><bdi>${label}</bdi></td><td>${count(n)}</td></tr>`)}</tbody></table></div></details></figure>`)}</div>
      <h3>Top supporters</h3>${e.topSupporters.length ? html`<ol>${e.topSupporters.map((t) => html`<li><bdi>${t.supporter.displayName}</bdi> — ${coins(t.coins)}</li>`)}</ol>` : html`<p class="muted">No supporters yet.</p>`}
      <h3 id="received-heading">Gifts received</h3>${!this.received || this.received.length === 0 ? html`<p class="muted">No gifts received yet.</p>` : html`
        <div class="table-wrap" role="region" tabindex="0" aria-labelledby="received-heading"><table><thead><tr><th>When</th><th>From</th><th>Gift</th><th>Stream</th><th>Coins</th><th>Diamonds</th></tr></thead><tbody>
          ${this.received.map((g) => html`<tr data-testid="gift-received"><td>${when(g.createdAt)}</td><td><bdi>${g.sender.displayName}</bdi></td>
            <td>${g.gift.name} × ${g.quantity}${g.acknowledgedAt ? ' · thanked' : ''}</td><td>${g.stream.title}</td><td>${count(g.coins)}</td><td>${count(g.creatorDiamonds)}</td></tr>`)}
        </tbody></table></div>
        ${this.receivedNext ? html`<button class="secondary outline" @click=${() => this.loadReceived(this.receivedNext)}>Older gifts</button>` : ''}`}`;
  }

  renderPayouts() {
    const p = this.payouts;
    if (!p) return html`<p aria-busy="true">Loading…</p>`;
    const verified = p.payoutAccounts.filter((a) => a.verified);
    return html`<p>The smallest payout is ${diamonds(p.payoutPolicy.minimumDiamonds)}; at most ${money(p.payoutPolicy.dailyMaximum)} a day (UTC);
        gift diamonds stay pending ${counted(p.payoutPolicy.holdDays, 'day', 'days')}. Available now: <strong>${diamonds(p.earnings.diamonds.available)}</strong>.</p>
      <h3>Accounts</h3>${p.payoutAccounts.length ? html`<ul>${p.payoutAccounts.map((a) => html`<li>${a.label} (${a.kind.toLowerCase()} ${a.maskedToken}) — ${a.verified ? 'verified' : 'waiting for verification'}</li>`)}</ul>` : html`<p class="muted">No payout account yet.</p>`}
      <details><summary>Add an account</summary><form @submit=${(e) => this.register(e)}>
        <label>Kind<select name="kind"><option value="PAYPAL">PayPal</option><option value="BANK">Bank</option></select></label>
        <label>Your provider's account token<input name="token" required minlength="8"></label><label>Label<input name="label" required maxlength="64"></label>
        <button type="submit">Register</button></form></details>
      <h3>Request a payout</h3>${verified.length ? html`<form class="row" @submit=${(e) => this.request(e)}>
          <label>Diamonds<input name="diamonds" type="number" min=${p.payoutPolicy.minimumDiamonds} step="1" required></label>
          <label>To<select name="account">${verified.map((a) => html`<option value=${a.id}>${a.label} ${a.maskedToken}</option>`)}</select></label>
          <button type="submit">Request payout</button></form>` : html`<p class="muted">A verified account is needed first.</p>`}
      <h3>Payouts</h3>${p.payouts.nodes.length === 0 ? html`<p class="muted">No payouts yet.</p>` : p.payouts.nodes.map((o) => html`<article data-testid="payout">
        <header><strong>${money(o.amount)}</strong> for ${diamonds(o.diamonds)} — <span data-testid="payout-status">${o.status.toLowerCase()}</span></header>
        <ol class="timeline">${o.transitions.map((t) => html`<li><strong>${t.to.toLowerCase()}</strong> ${when(t.at)}${t.reason ? html` — ${t.reason}` : ''}</li>`)}</ol>
        <footer class="muted">expected by ${when(o.expectedBy)}${o.externalReference ? ` · reference ${o.externalReference}` : ''}</footer></article>`)}
      ${p.payouts.pageInfo.hasNextPage ? html`<button class="secondary outline" data-testid="more-payouts"
        @click=${() => this.loadPayouts(p.payouts.pageInfo.endCursor)}>Older payouts</button>` : ''}`;
  }

  renderOverlay() {
    // one address for every stream: the overlay follows this creator's live stream (an address per stream went blank at
    // every new stream, and its key could not be seen again to make the next)
    const url = (key) => `${location.origin}/overlay?creator=${encodeURIComponent(this.me.id)}&key=${encodeURIComponent(key)}`;
    return html`<p>Add the overlay to your streaming software as a browser source (1920×1080), once: it shows gift alerts and your top gifter on whichever stream you are live on, and needs no sign-in: its key can read your streams' gifts and nothing else.</p>
      <form class="row" @submit=${(e) => this.createKey(e)}><label>Name<input name="label" required maxlength="64" value="OBS"></label><button type="submit">Create a key</button></form>
      ${this.newKey ? html`<p class="refusal" role="status">Copy this address now; the key in it is not shown again:<br><code data-testid="overlay-url">${url(this.newKey)}</code></p>` : ''}
      ${this.keys && this.keys.length ? html`<div class="table-wrap" role="region" tabindex="0" aria-label="Overlay keys"><table><thead><tr><th>Name</th><th>Key</th><th>Created</th><th></th></tr></thead><tbody>${this.keys.map((k) => html`<tr>
        <td>${k.label}</td><td>…${k.hint}</td><td>${when(k.createdAt)}</td>
        <td>${k.revokedAt ? html`revoked ${when(k.revokedAt)}` : twoStep(this, `key:${k.id}`, { label: 'Revoke', ariaLabel: `Revoke the overlay key ${k.label}`,
          confirm: 'Revoke: the overlay stops', run: () => this.revoke(k) })}</td></tr>`)}</tbody></table></div>` : ''}`;
  }

  render() {
    if (!this.me || !this.me.roles.includes('creator')) return html`<h1>Studio</h1><p>Sign in with a creator account to go live.</p>`;
    return html`<h1>Studio</h1>
      <nav class="tabs" aria-label="Studio"><ul>${TABS.map(([t, label]) => html`<li><a href="#" aria-current=${this.tab === t ? 'page' : 'false'}
        @click=${(e) => { e.preventDefault(); this.show(t); }}>${label}</a></li>`)}</ul></nav>
      ${this.error ? html`<p class="refusal" role="alert">${this.error}</p>` : ''}
      <p role="status" data-testid="studio-message">${this.message || ''}</p>
      ${this.tab === 'live' ? this.renderLive() : this.tab === 'earnings' ? this.renderEarnings() : this.tab === 'payouts' ? this.renderPayouts()
        : this.tab === 'statements' ? this.renderStatements() : this.tab === 'webhooks' ? html`<cs-webhooks></cs-webhooks>` : this.renderOverlay()}`;
  }
}
customElements.define('cs-studio', Studio);
