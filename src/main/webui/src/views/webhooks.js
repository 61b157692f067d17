// Webhooks, for a creator (their own subscriptions, in the studio) and for an admin (everyone's, in the console): create
// one and copy its secret (shown once), rotate it, send a test event, see each subscription's health and deliveries,
// and replay what failed. Every figure comes from the API (webhookSubscriptions, webhookDeliveries).
import { html } from 'lit';
import { twoStep } from '../twostep.js';
import { View } from '../main.js';
import { query, mutate, userError, submitOnce } from '../api.js';
import { plainly, failure } from '../messages.js';
import { count, counted, when, instant, day } from '../format.js';
import WebhookSubscriptions from '../graphql/WebhookSubscriptions.graphql?raw';
import WebhookDeliveries from '../graphql/WebhookDeliveries.graphql?raw';
import CreateWebhookSubscription from '../graphql/CreateWebhookSubscription.graphql?raw';
import RotateWebhookSecret from '../graphql/RotateWebhookSecret.graphql?raw';
import SendTestWebhookEvent from '../graphql/SendTestWebhookEvent.graphql?raw';
import ReplayWebhookDeliveries from '../graphql/ReplayWebhookDeliveries.graphql?raw';
import DeleteWebhookSubscription from '../graphql/DeleteWebhookSubscription.graphql?raw';

/** What a creator may subscribe to, and what only an admin may (the API refuses the rest). */
const CREATOR_EVENTS = ['gift.sent', 'goal.reached', 'match.ended', 'payout.requested', 'payout.paid', 'payout.failed'];
const ADMIN_EVENTS = ['purchase.succeeded', 'purchase.reversed', 'account.hold_placed', 'account.hold_released'];
const rate = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 1 });

/** A delivery's state in words: a pending one that has failed is retrying (or stuck, when its subscription is disabled). */
function state(d, subscription) {
  if (d.status === 'DELIVERED') return `Delivered${d.lastStatusCode ? ` (HTTP ${d.lastStatusCode})` : ''}`;
  if (d.status === 'FAILED') return 'Failed: given up after every retry';
  if (!d.lastError) return 'Pending';
  return subscription && subscription.status === 'DISABLED' ? `Failed: ${d.lastError}; the subscription is disabled` : `Failing (${d.lastError}), retrying ${when(d.nextAttemptAt)}`;
}

/** An endpoint as an admin sees someone's: without a query or credentials, which may carry the owner's tokens. */
function shown(url) {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}${u.search || u.username ? ' (query and credentials hidden)' : ''}`;
  } catch {
    return url;
  }
}

class Webhooks extends View {
  static properties = { admin: { type: Boolean }, arming: { state: true }, subscriptions: { state: true }, selected: { state: true }, deliveries: { state: true },
    next: { state: true }, status: { state: true }, days: { state: true }, secret: { state: true },
    message: { state: true }, error: { state: true }, loadingMore: { state: true } };

  constructor() {
    super();
    this.status = '';
  }

  connectedCallback() {
    super.connectedCallback();
    this.load();
  }

  async load() {
    const r = await query(WebhookSubscriptions);
    this.error = failure(r);
    if (!r.data) return;
    this.subscriptions = r.data.webhookSubscriptions;
    if (this.selected) {
      this.selected = this.subscriptions.find((s) => s.id === this.selected.id) || null;
      if (this.selected) await this.loadDeliveries();
    }
  }

  async loadDeliveries(after = null) {
    const asked = { subscriptionId: this.selected.id, status: this.status || null, after };
    if (after && this.loadingMore === after) return; // (a second click on "Older deliveries" would add that page twice)
    this.loadingMore = after;
    const r = await query(WebhookDeliveries, asked);
    this.loadingMore = null;
    // an answer for another subscription or filter than the one now shown (picked meanwhile) is not shown
    if (!this.selected || this.selected.id !== asked.subscriptionId || (this.status || null) !== asked.status) return;
    this.error = failure(r);
    if (!r.data) return;
    const page = r.data.webhookDeliveries;
    this.deliveries = [...(after ? this.deliveries : []), ...page.nodes];
    this.next = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    this.days = r.data.webhookSubscription ? r.data.webhookSubscription.deliveryDays : [];
    await this.drawDays();
  }

  /** Success per day as bars; Chart.js is fetched only once there is a day to draw. */
  async drawDays() {
    await this.updateComplete;
    const canvas = this.querySelector('#chart-webhook-days');
    if (!canvas || !this.days.length) return;
    const { bars } = await import('../charts.js');
    bars(canvas, this.days.map((d) => day(d.day)), this.days.map((d) => Math.round(1000 * this.success(d)) / 10), 'Delivered, % of attempted');
  }

  /** How this page names an endpoint: its owner sees it whole, an admin without its query or credentials. */
  url(s) {
    return this.admin ? shown(s.url) : s.url;
  }

  success(d) {
    const tried = d.delivered + d.failed + d.failing;
    return tried === 0 ? 1 : d.delivered / tried;
  }

  /** Runs a mutation on a subscription, says what happened in plain words, and reloads. */
  async act(document, field, input, done) {
    this.message = null;
    const r = await mutate(document, { input });
    const problem = userError(r, field);
    this.error = failure(r);
    if (this.error) return null;
    if (problem) {
      this.message = plainly(problem);
      return null;
    }
    const payload = r.data[field];
    this.message = done(payload);
    await this.load();
    return payload;
  }

  /** One at a time (submitOnce): a second click while the first is answered would make a second subscription. */
  create(e) {
    return submitOnce(e, async (elements, target) => {
      const form = new FormData(target);
      const eventTypes = form.getAll('eventTypes');
      if (!eventTypes.length) {
        this.message = 'Choose at least one event to send.';
        return;
      }
      const input = { url: form.get('url'), eventTypes, description: form.get('description') || null };
      if (this.admin && form.get('creatorId')) input.creatorId = form.get('creatorId');
      const created = await this.act(CreateWebhookSubscription, 'createWebhookSubscription', input, () => 'The subscription was created.');
      if (created) {
        this.secret = { id: created.subscription.id, value: created.secret, url: created.subscription.url };
        target.reset();
      }
    });
  }

  async rotate(s) {
    const rotated = await this.act(RotateWebhookSecret, 'rotateWebhookSecret', { subscriptionId: s.id },
      (p) => `A new secret signs from now on; the old one also signs until ${when(p.subscription.previousSecretValidUntil)}, so switch before then.`);
    if (rotated) this.secret = { id: s.id, value: rotated.secret, url: s.url };
  }

  async test(s) {
    await this.act(SendTestWebhookEvent, 'sendTestWebhookEvent', { subscriptionId: s.id },
      () => `A test event is on its way to ${this.url(s)}; follow it under its deliveries.`);
    if (!this.selected || this.selected.id !== s.id) await this.open(s);
  }

  async remove(s) {
    await this.act(DeleteWebhookSubscription, 'deleteWebhookSubscription', { subscriptionId: s.id }, () => `The subscription to ${this.url(s)} was deleted.`);
    if (this.selected && this.selected.id === s.id) this.selected = null;
  }

  async open(s) {
    this.selected = s;
    this.deliveries = null;
    await this.loadDeliveries();
  }

  async replayOne(d) {
    await this.act(ReplayWebhookDeliveries, 'replayWebhookDeliveries', { subscriptionId: this.selected.id, deliveryId: d.id },
      () => `The ${d.eventType} event is queued again, with the same message id.`);
  }

  async replayRange(e) {
    e.preventDefault();
    const form = new FormData(e.target);
    await this.act(ReplayWebhookDeliveries, 'replayWebhookDeliveries', { subscriptionId: this.selected.id, from: instant(form.get('from')), to: instant(form.get('to')) },
      (p) => `${counted(p.replayed, 'delivery is', 'deliveries are')} queued again.`);
  }

  async copy() {
    try {
      await navigator.clipboard.writeText(this.secret.value);
      this.message = 'The secret is on your clipboard.';
    } catch {
      // no clipboard (an insecure origin, or permission refused): select it for the person to copy
      const range = document.createRange();
      range.selectNodeContents(this.querySelector('[data-testid="webhook-secret"]'));
      getSelection().removeAllRanges();
      getSelection().addRange(range);
      this.message = 'Press Ctrl+C (⌘C) to copy the selected secret.';
    }
  }

  renderHealth(s) {
    const h = s.health;
    return html`${h.successRate === null ? html`<span class="muted">no attempts yet</span>` : html`<strong>${rate.format(h.successRate)}</strong> delivered`}
      <br><small class="muted">${count(h.delivered)} ok · ${count(h.failed)} given up · ${count(h.failing)} failing · ${count(h.pending - h.failing)} waiting, of the last ${count(h.window)}</small>
      ${h.lastFailureAt ? html`<br><small>Last failure ${when(h.lastFailureAt)}: ${h.lastFailureError}</small>` : ''}`;
  }

  renderForm() {
    const events = this.admin ? [...CREATOR_EVENTS, ...ADMIN_EVENTS] : CREATOR_EVENTS;
    return html`<details ?open=${!this.subscriptions || this.subscriptions.length === 0}><summary>Add a subscription</summary>
      <form @submit=${(e) => this.create(e)} data-testid="webhook-form">
        <label>Endpoint URL (https)<input name="url" type="url" required maxlength="2048" pattern="https?://.+" title="An https:// address" placeholder="https://example.com/coinstream"></label>
        <fieldset><legend>Events to send</legend>${events.map((t) => html`<label class="inline"><input type="checkbox" name="eventTypes" value=${t}
          ?checked=${t === 'gift.sent'}> ${t}</label>`)}</fieldset>
        <label>Description (optional)<input name="description" maxlength="200"></label>
        ${this.admin ? html`<label>Only this creator's events (a user id; empty: platform-wide)<input name="creatorId" maxlength="128"></label>` : ''}
        <button type="submit">Create subscription</button></form></details>`;
  }

  renderSecret() {
    const s = this.secret;
    return html`<article class="secret" aria-label="The signing secret">
      <p>The signing secret for ${this.url(s)}. Copy it now: it is not shown again. Your receiver checks each request's
        <code>webhook-signature</code> with it (Standard Webhooks).</p>
      <p><code data-testid="webhook-secret">${s.value}</code></p>
      <div class="row"><button @click=${() => this.copy()}>Copy secret</button>
        <button class="secondary outline" @click=${() => (this.secret = null)}>I have stored it</button></div></article>`;
  }

  renderList() {
    const list = this.subscriptions;
    if (!list) return html`<p aria-busy="true">Loading…</p>`;
    if (!list.length) return html`<p class="muted">No subscriptions yet.</p>`;
    return html`<div class="table-wrap" role="region" tabindex="0" aria-label="Webhook subscriptions"><table>
      <thead><tr><th>Endpoint</th><th>Events</th><th>State</th><th>Health</th><th></th></tr></thead><tbody>
      ${list.map((s) => html`<tr data-testid="webhook-subscription" data-id=${s.id}>
        <td><span class="wrap">${this.url(s)}</span>${s.description ? html`<br><small class="muted"><bdi>${s.description}</bdi></small>` : ''}
          ${this.admin ? html`<br><small class="muted">${s.creatorId ? `creator ${s.creatorId}` : 'platform-wide'}</small>` : ''}</td>
        <td><small>${s.eventTypes.join(', ')}</small></td>
        <td>${s.status === 'ACTIVE' ? 'Active' : html`<strong>Disabled</strong> ${when(s.disabledAt)}<br><small>${s.disabledReason}</small>`}</td>
        <td>${this.renderHealth(s)}</td>
        <td><div class="actions">
          <button class="secondary outline" aria-label=${`Deliveries to ${this.url(s)}`} @click=${() => this.open(s)}>Deliveries</button>
          <button class="secondary outline" aria-label=${`Send test to ${this.url(s)}`} ?disabled=${s.status !== 'ACTIVE'} @click=${() => this.test(s)}>Send test</button>
          ${twoStep(this, `rotate:${s.id}`, { label: 'Rotate secret', ariaLabel: `Rotate secret of ${this.url(s)}`,
            confirm: 'Make a new secret (the old one keeps working a while)', run: () => this.rotate(s) })}
          ${twoStep(this, `delete:${s.id}`, { label: 'Delete', ariaLabel: `Delete the subscription to ${this.url(s)}`,
            confirm: 'Delete for good', run: () => this.remove(s) })}
        </div></td></tr>`)}</tbody></table></div>`;
  }

  renderDays() {
    const days = this.days || [];
    if (!days.length) return '';
    const worst = days.reduce((w, d) => (this.success(d) < this.success(w) ? d : w));
    const summary = `Bar chart of the share of attempted deliveries that were delivered, per day over the last ${counted(days.length, 'day', 'days')} with deliveries; `
      + `the lowest, ${rate.format(this.success(worst))}, on ${day(worst.day)}.`;
    return html`<figure data-testid="webhook-days-chart"><figcaption>Delivered per day (UTC), % of those attempted</figcaption>
      <div style="height:10rem"><canvas id="chart-webhook-days" role="img" aria-label=${summary}></canvas></div>
      <details><summary>The numbers</summary><div class="table-wrap" role="region" tabindex="0" aria-label="Deliveries per day"><table>
        <thead><tr><th>Day</th><th>Delivered</th><th>Given up</th><th>Failing</th><th>Pending</th></tr></thead><tbody>
        ${days.map((d) => html`<tr><td>${day(d.day)}</td><td>${count(d.delivered)}</td><td>${count(d.failed)}</td><td>${count(d.failing)}</td><td>${count(d.pending)}</td></tr>`)}
        </tbody></table></div></details></figure>`;
  }

  renderDeliveries() {
    const s = this.selected;
    const list = this.deliveries;
    return html`<section aria-labelledby="deliveries-heading"><h3 id="deliveries-heading">Deliveries to ${this.url(s)}</h3>
      ${this.renderDays()}
      <div class="row">
        <label>Show <select data-testid="delivery-filter" @change=${(e) => { this.status = e.target.value; this.loadDeliveries(); }}>
          ${[['', 'All'], ['PENDING', 'Pending'], ['DELIVERED', 'Delivered'], ['FAILED', 'Failed (given up)']].map(([v, label]) => html`<option value=${v} ?selected=${this.status === v}>${label}</option>`)}
        </select></label>
        <button class="secondary outline" @click=${() => this.load()}>Refresh</button></div>
      ${!list ? html`<p aria-busy="true">Loading…</p>` : list.length === 0 ? html`<p class="muted">No deliveries${this.status ? ' in this state' : ''}.</p>` : html`
      <div class="table-wrap" role="region" tabindex="0" aria-label="Webhook deliveries"><table>
        <thead><tr><th>Event</th><th>Occurred</th><th>State</th><th>Attempts</th><th>Last answer</th><th></th></tr></thead><tbody>
        ${list.map((d) => html`<tr data-testid="webhook-delivery" data-status=${d.status}><td>${d.eventType}</td><td>${when(d.occurredAt)}</td>
          <td>${state(d, s)}</td><td>${count(d.attempts)}</td>
          <td>${d.lastStatusCode ? `HTTP ${d.lastStatusCode}` : d.lastError ? 'no answer' : ''}${d.lastAttemptAt ? html`<br><small class="muted">${when(d.lastAttemptAt)}</small>` : ''}</td>
          <td>${d.eventType === 'webhook.test' || (d.status === 'PENDING' && s.status === 'ACTIVE') ? '' : html`<button class="secondary outline" aria-label=${`Replay the ${d.eventType} delivery of ${when(d.occurredAt)}`}
            @click=${() => this.replayOne(d)}>Replay</button>`}</td></tr>`)}</tbody></table></div>
      ${this.next ? html`<button class="secondary outline" ?disabled=${!!this.loadingMore} @click=${() => this.loadDeliveries(this.next)}>Older deliveries</button>` : ''}`}
      <form class="row" @submit=${(e) => this.replayRange(e)} aria-label="Replay a time range">
        <label>Events from<input name="from" type="datetime-local" required></label><label>until<input name="to" type="datetime-local" required></label>
        <button type="submit" class="secondary">Replay this range</button></form>
      <p class="muted"><small>A replay sends the same message id again (receivers deduplicate on it) and enables a disabled subscription; up to 20 replays an hour. Test events are not replayed: send a new one.</small></p>
    </section>`;
  }

  render() {
    return html`<h2>Webhooks</h2>
      <p class="muted">Signed HTTP POSTs to your endpoint when ${this.admin ? 'money, payout and stream events happen' : 'your streams receive gifts, reach goals or end matches, and when your payouts move'}.</p>
      ${this.error ? html`<p class="refusal" role="alert">${this.error}</p>` : ''}
      <p role="status" data-testid="webhooks-message">${this.message || ''}</p>
      ${this.secret ? this.renderSecret() : ''}
      ${this.renderForm()}
      ${this.renderList()}
      ${this.selected ? this.renderDeliveries() : ''}`;
  }
}
customElements.define('cs-webhooks', Webhooks);
