import { html } from 'lit';
import { twoStep } from '../twostep.js';
import { repeat } from 'lit/directives/repeat.js';
import { View } from '../main.js';
import { query, mutate, userError, Intents, submitOnce } from '../api.js';
import { plainly, failure } from '../messages.js';
import { money, count, counted, when, days, instant } from '../format.js';
import PayoutQueue from '../graphql/PayoutQueue.graphql?raw';
import ApprovePayout from '../graphql/ApprovePayout.graphql?raw';
import RejectPayout from '../graphql/RejectPayout.graphql?raw';
import MarkPayoutPaid from '../graphql/MarkPayoutPaid.graphql?raw';
import MarkPayoutFailed from '../graphql/MarkPayoutFailed.graphql?raw';
import PayoutAccountsToVerify from '../graphql/PayoutAccountsToVerify.graphql?raw';
import VerifyPayoutAccount from '../graphql/VerifyPayoutAccount.graphql?raw';
import PlaceHold from '../graphql/PlaceHold.graphql?raw';
import ReleaseHold from '../graphql/ReleaseHold.graphql?raw';
import GrantCoins from '../graphql/GrantCoins.graphql?raw';
import ReversePurchase from '../graphql/ReversePurchase.graphql?raw';
import LedgerAudit from '../graphql/LedgerAudit.graphql?raw';
import SuspiciousCreators from '../graphql/SuspiciousCreators.graphql?raw';
import Rates from '../graphql/Rates.graphql?raw';
import SetRates from '../graphql/SetRates.graphql?raw';
import Catalogue from '../graphql/Catalogue.graphql?raw';
import CreateGift from '../graphql/CreateGift.graphql?raw';
import UpdateGift from '../graphql/UpdateGift.graphql?raw';
import CoinStore from '../graphql/CoinStore.graphql?raw';
import CreateCoinPackage from '../graphql/CreateCoinPackage.graphql?raw';
import RetireCoinPackage from '../graphql/RetireCoinPackage.graphql?raw';
import AuditLog from '../graphql/AuditLog.graphql?raw';
import ErasureRequests from '../graphql/ErasureRequests.graphql?raw';
import CompleteErasure from '../graphql/CompleteErasure.graphql?raw';
import ReconciliationRuns from '../graphql/ReconciliationRuns.graphql?raw';
import ReconciliationRun from '../graphql/ReconciliationRun.graphql?raw';
import { saveText, csvField, saveDownload } from '../download.js';
import { session } from '../auth.js';
import { coins, diamonds } from '../gifts.js';
import './webhooks.js';

const TABS = [['payouts', 'Payouts'], ['accounts', 'Accounts'], ['ledger', 'Ledger'], ['audit', 'Audit log'], ['reconciliation', 'Reconciliation'], ['webhooks', 'Webhooks'], ['data', 'Data requests'], ['risk', 'Risk'],
  ['rates', 'Rates'], ['catalogue', 'Catalogue']];
const AUDIT_COLUMNS = ['at', 'action', 'outcome', 'errorCode', 'actorId', 'actorRoles', 'targetType', 'targetId', 'reason', 'input', 'before', 'after'];
/** The most records one CSV export holds (a narrower filter exports the rest). */
const AUDIT_EXPORT_MAX = 10_000;
/** Each kind of reconciliation difference: what it means, and what resolves it. */
const DIFFERENCES = {
  MISSING_IN_LEDGER: ['The provider moved money the ledger has no settled purchase for.', 'Find the payment at the provider; if it is real, settle the purchase (its webhook) or refund it there.'],
  MISSING_AT_PROVIDER: ['The ledger settled or reversed a purchase the provider does not report.', 'Ask the provider for the transaction; if it never happened, reverse the purchase.'],
  AMOUNT_MISMATCH: ['The provider and the ledger disagree on the amount.', 'Check the charge at the provider; refund the difference or correct it with the provider.'],
  CURRENCY_MISMATCH: ['The provider charged in another currency than the purchase.', 'Check the charge at the provider; a wrong currency is refunded and charged again.'],
  REFUND_NOT_REVERSED: ['The provider refunded or lost a dispute the ledger never reversed.', 'Reverse the purchase under Accounts (refund or chargeback): its coins are clawed back.'],
};
/** An erasure still waiting this long after its date is stuck: someone must look at why it is blocked. */
const STUCK_AFTER_MS = 24 * 3600 * 1000;
const STATUSES = ['REQUESTED', 'APPROVED', 'PAID', 'REJECTED', 'FAILED'];

/** The admin console: the payout queue, account verification, holds, grants and reversals, the audit, risk, rates and gifts. */
class Admin extends View {
  static properties = { me: { attribute: false }, arming: { state: true }, tab: { state: true }, status: { state: true }, queue: { state: true }, accounts: { state: true },
    audit: { state: true }, queueNext: { state: true }, auditLog: { state: true }, auditLogNext: { state: true }, auditFilter: { state: true },
    erasures: { state: true }, erasuresNext: { state: true }, erasuresAll: { state: true }, packages: { state: true }, packagesRegion: { state: true }, runs: { state: true }, runsNext: { state: true }, run: { state: true }, upload: { state: true }, creatorFilter: { state: true }, suspicious: { state: true }, rates: { state: true }, catalogue: { state: true }, editing: { state: true }, message: { state: true }, error: { state: true } };

  constructor() {
    super();
    this.tab = 'payouts';
    this.status = 'REQUESTED';
    this.intents = new Intents();
  }

  connectedCallback() {
    super.connectedCallback();
    this.load();
  }

  show(tab) {
    this.tab = tab;
    this.message = null;
    this.error = null; // (a tab whose loader sets none, Webhooks, must not show the last tab's)
    this.load();
  }

  async load() {
    if (!this.admin()) return;
    const loaders = {
      payouts: () => this.loadQueue(),
      accounts: async () => { const r = await query(PayoutAccountsToVerify); this.error = failure(r); if (r.data) this.accounts = r.data.payoutAccountsToVerify; },
      ledger: async () => { const r = await query(LedgerAudit); this.error = failure(r); if (r.data) this.audit = r.data.ledgerAudit; },
      audit: () => this.loadAudit(),
      reconciliation: () => this.loadRuns(),
      webhooks: async () => {}, // <cs-webhooks> loads its own
      data: () => this.loadErasures(),
      risk: async () => { const r = await query(SuspiciousCreators); this.error = failure(r); if (r.data) this.suspicious = r.data.suspiciousCreators; },
      rates: async () => { const r = await query(Rates); this.error = failure(r); if (r.data) this.rates = r.data; },
      catalogue: async () => {
        const [r, packages] = await Promise.all([query(Catalogue, { region: this.packageRegion() }), query(CoinStore, { region: this.packageRegion() })]);
        this.error = failure(r) || failure(packages);
        if (r.data) this.catalogue = r.data.giftCatalogue;
        if (packages.data) this.packages = packages.data.coinPackages;
      },
    };
    await loaders[this.tab]();
  }

  /**
   * One page of a connection into this[list]: the first page replaces the list, a later one (`after`) is appended, and
   * this[list + 'Next'] is the cursor of the page after it, or null (no *More* button).
   */
  async loadPage(list, document, variables, field, after) {
    // only the latest load of a list lands: a second click on More, or a filter changed while a page was on its way,
    // never appends a page twice or a page of the old filter
    this.pageLoads = this.pageLoads || {};
    const load = (this.pageLoads[list] = (this.pageLoads[list] || 0) + 1);
    if (after) this[`${list}Next`] = null; // no second click on the same More
    const r = await query(document, { ...variables, after: after || null });
    if (this.pageLoads[list] !== load) return;
    this.error = failure(r);
    if (!r.data) {
      if (after) this[`${list}Next`] = after; // the page can be asked for again
      else this[list] = [];
      return;
    }
    const page = r.data[field];
    this[list] = [...(after ? this[list] : []), ...page.nodes];
    this[`${list}Next`] = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
  }

  /** The *More* button of a paged list, when there is more. */
  more(list, load) {
    const next = this[`${list}Next`];
    return next ? html`<button class="secondary" data-testid=${`more-${list}`} @click=${() => load.call(this, next)}>More</button>` : '';
  }

  loadQueue(after) {
    return this.loadPage('queue', PayoutQueue, { status: this.status, creatorId: this.creatorFilter || null }, 'payoutQueue', after);
  }

  async loadRuns(after) {
    await this.loadPage('runs', ReconciliationRuns, {}, 'reconciliationRuns', after);
    await this.drawRunsChart();
  }

  loadErasures(after) {
    return this.loadPage('erasures', ErasureRequests, { all: !!this.erasuresAll }, 'erasureRequests', after);
  }

  admin() {
    return this.me && this.me.roles.includes('admin');
  }

  loadAudit(after) {
    return this.loadPage('auditLog', AuditLog, { filter: this.auditFilter || null }, 'auditLog', after);
  }

  filterAudit(e) {
    e.preventDefault();
    const f = e.target.elements;
    const filter = {};
    for (const name of ['actorId', 'action', 'targetId']) {
      if (f[name].value.trim()) filter[name] = f[name].value.trim();
    }
    if (f.outcome.value) filter.outcome = f.outcome.value;
    if (f.from.value) filter.from = instant(f.from.value);
    if (f.to.value) filter.to = instant(f.to.value);
    this.auditFilter = filter;
    this.loadAudit();
  }

  /** The filtered view as CSV: every page of it, not only the rows on screen. */
  async exportAudit() {
    let rows = [];
    let after = null;
    do {
      const r = await query(AuditLog, { filter: this.auditFilter || null, after });
      if (!r.data) { this.error = failure(r); return; }
      rows = rows.concat(r.data.auditLog.nodes);
      after = r.data.auditLog.pageInfo.hasNextPage ? r.data.auditLog.pageInfo.endCursor : null;
    } while (after && rows.length < AUDIT_EXPORT_MAX);
    const lines = [AUDIT_COLUMNS.join(','), ...rows.map((x) => AUDIT_COLUMNS.map((c) => csvField(Array.isArray(x[c]) ? x[c].join(' ') : x[c])).join(','))];
    saveText('audit-log.csv', lines.join('\r\n') + '\r\n', 'text/csv');
    this.message = after ? `The first ${count(rows.length)} audit records exported (newest first); more match: narrow the filter (a time range) to export the rest.`
      : `${counted(rows.length, 'audit record', 'audit records')} exported.`;
  }

  /** A record's input, as "field: value" lines (it is stored as JSON text). */
  static readable(input) {
    try {
      const o = JSON.parse(input);
      return Object.entries(o).map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : v}`).join('\n');
    } catch {
      return input;
    }
  }

  /**
   * What an action changed on its target, from the record's before and after (JSON text): "field: before → after" for
   * each field that differs, every field of something it created, and "nothing changed" for a refused attempt.
   */
  static changes(before, after) {
    const parse = (t) => { try { return t ? JSON.parse(t) : null; } catch { return null; } };
    const show = (v) => (v === null || v === undefined ? '–' : typeof v === 'object' ? JSON.stringify(v) : String(v));
    const b = parse(before);
    const a = parse(after);
    if (!a) return b ? 'nothing changed' : '';
    const lines = Object.keys(a).filter((k) => !b || JSON.stringify(b[k]) !== JSON.stringify(a[k]))
      .map((k) => `${k}: ${b ? `${show(b[k])} → ` : ''}${show(a[k])}`);
    return lines.length ? lines.join('\n') : 'no visible change';
  }

  renderAudit() {
    const log = this.auditLog;
    const f = this.auditFilter || {};
    return html`<form class="row" role="search" aria-label="Filter the audit log" @submit=${(e) => this.filterAudit(e)}>
        <label>Actor id<input name="actorId" autocomplete="off" .value=${f.actorId || ''}></label>
        <label>Action<input name="action" autocomplete="off" placeholder="approvePayout" .value=${f.action || ''}></label>
        <label>Target id<input name="targetId" autocomplete="off" .value=${f.targetId || ''}></label>
        <label>Outcome<select name="outcome"><option value="">any</option>${['DONE', 'REFUSED', 'FAILED'].map((o) => html`<option ?selected=${f.outcome === o}>${o}</option>`)}</select></label>
        <label>From<input name="from" type="datetime-local"></label><label>To<input name="to" type="datetime-local"></label>
        <button type="submit">Filter</button>
        <button type="button" class="secondary" @click=${() => this.exportAudit()}>Export CSV</button></form>
      ${!log ? html`<p aria-busy="true">Loading…</p>` : log.length === 0 ? html`<p class="muted">No audit records match.</p>` : html`<div class="table-wrap" role="region" tabindex="0" aria-label="Audit log"><table>
        <thead><tr><th>When</th><th>Action</th><th>Outcome</th><th>Who</th><th>Target</th><th>Input and change</th></tr></thead><tbody>
        ${log.map((x) => html`<tr data-testid="audit-row"><td>${when(x.at)}</td><td>${x.action}</td>
          <td>${x.outcome.toLowerCase()}${x.errorCode ? html` <small class="muted">${x.errorCode}</small>` : ''}</td>
          <td>${x.actorId || 'unknown'} <small class="muted">${x.actorRoles.join(', ')}</small></td>
          <td>${x.targetType ? html`${x.targetType} <small>${x.targetId}</small>` : ''}</td>
          <td><pre class="record">${Admin.readable(x.input)}${x.reason ? `\nreason: ${x.reason}` : ''}</pre>
            ${x.before || x.after ? html`<pre class="record change" data-testid="audit-change" aria-label="What changed">${Admin.changes(x.before, x.after)}</pre>` : ''}</td></tr>`)}</tbody></table></div>
        ${this.more('auditLog', this.loadAudit)}`}`;
  }

  async openRun(id) {
    const r = await query(ReconciliationRun, { id });
    this.error = failure(r);
    if (r.data) this.run = r.data.reconciliationRun;
  }

  /** Streams the file to the upload endpoint (any size up to its limit), showing how much has gone. */
  uploadReport(e) {
    e.preventDefault();
    const file = e.target.elements.report.files[0];
    if (!file) { this.message = 'Choose the provider\'s settlement report (CSV) first.'; return; }
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/imports/settlement-reports?fileName=${encodeURIComponent(file.name)}`);
    if (session.token) xhr.setRequestHeader('Authorization', `Bearer ${session.token}`);
    xhr.setRequestHeader('Content-Type', 'text/csv');
    this.upload = { sent: 0, total: file.size };
    xhr.upload.onprogress = (p) => { this.upload = { sent: p.loaded, total: p.total || file.size }; };
    xhr.onload = async () => {
      this.upload = null;
      let body = {};
      try { body = JSON.parse(xhr.responseText); } catch { body = {}; }
      if (xhr.status === 201 || xhr.status === 200) {
        const run = body.run || body;
        this.message = `${file.name}: ${counted(run.lines, 'line', 'lines')} read, ${counted(run.differenceCount, 'difference', 'differences')}.`
          + (body.duplicate ? ' This exact file was imported before: its run is shown again.' : '');
        await this.load();
        if (run.id) await this.openRun(run.id);
      } else {
        const problems = body.userErrors || body.errors || [];
        this.message = problems.length ? problems.slice(0, 5).map((p) => p.message).join(' · ') + (problems.length > 5 ? ` · and ${problems.length - 5} more` : '')
          : `The upload was refused (${xhr.status}).`;
      }
    };
    xhr.onerror = () => { this.upload = null; this.message = 'The upload failed: the connection dropped.'; };
    xhr.send(file);
  }

  /** The listed runs' differences as bars, oldest first; Chart.js is fetched only once this tab has a run to show. */
  async drawRunsChart() {
    await this.updateComplete;
    const canvas = this.querySelector('#chart-reconciliation');
    if (!canvas) return;
    const { bars } = await import('../charts.js');
    const runs = [...this.runs].reverse();
    bars(canvas, runs.map((r) => days(r.periodFrom, r.periodTo)), runs.map((r) => Number(r.differenceCount)), 'Differences');
  }

  /** The chart and, for those who read rather than look, the same numbers in a table. `runs` come newest first. */
  renderRunsChart(runs) {
    const oldestFirst = [...runs].reverse();
    const name = (r) => `${r.fileName || 'the report'} (${days(r.periodFrom, r.periodTo)})`;
    const total = runs.reduce((sum, r) => sum + Number(r.differenceCount), 0);
    const most = runs.reduce((m, r) => (Number(r.differenceCount) > Number(m.differenceCount) ? r : m));
    const found = (r) => `${name(r)} found ${counted(r.differenceCount, 'difference', 'differences')}`;
    const summary = runs.length === 1 ? `Bar chart of the differences found by the one report imported: ${found(runs[0])}.`
      : `Bar chart of the differences found by each of the last ${count(runs.length)} reports, oldest first: ${total === 0 ? 'none found any.'
        : `${counted(total, 'difference', 'differences')} in all; the most, ${count(most.differenceCount)}, in ${name(most)}; the latest, ${found(runs[0])}.`}`;
    return html`<figure data-testid="reconciliation-chart"><figcaption>Differences per report, oldest first</figcaption>
        <div style="height:12rem"><canvas id="chart-reconciliation" role="img" aria-label=${summary}></canvas></div>
        <details><summary>The numbers</summary><div class="table-wrap" role="region" tabindex="0" aria-label="Differences per report"><table>
          <thead><tr><th>Days</th><th>File</th><th>Differences</th></tr></thead><tbody>
          ${oldestFirst.map((r) => html`<tr data-testid="reconciliation-chart-row"><td>${days(r.periodFrom, r.periodTo)}</td><td>${r.fileName || ''}</td>
            <td>${count(r.differenceCount)}</td></tr>`)}</tbody></table></div></details></figure>`;
  }

  renderReconciliation() {
    const runs = this.runs;
    const run = this.run;
    const byKind = run ? Object.entries(run.differences.reduce((groups, d) => { (groups[d.kind] = groups[d.kind] || []).push(d); return groups; }, {})) : [];
    return html`<form class="row" @submit=${(e) => this.uploadReport(e)}>
        <label>Provider settlement report (CSV)<input name="report" type="file" accept=".csv,text/csv"></label>
        <button type="submit" ?disabled=${!!this.upload}>Upload and reconcile</button>
        ${this.upload ? html`<progress data-testid="upload-progress" value=${this.upload.sent} max=${this.upload.total}
          aria-label="Upload progress">${Math.round((100 * this.upload.sent) / Math.max(1, this.upload.total))}%</progress>` : ''}</form>
      ${!runs ? html`<p aria-busy="true">Loading…</p>` : runs.length === 0 ? html`<p class="muted">No report imported yet.</p>` : html`${this.renderRunsChart(runs)}
        <div class="table-wrap" role="region" tabindex="0" aria-label="Reconciliation runs"><table>
        <thead><tr><th>Imported</th><th>File</th><th>Days</th><th>Lines</th><th>Differences</th><th>Fees booked</th><th></th></tr></thead><tbody>
        ${runs.map((r) => html`<tr><td>${when(r.importedAt)}</td><td>${r.fileName || ''}</td><td>${days(r.periodFrom, r.periodTo)}</td><td>${count(r.lines)}</td>
          <td>${Number(r.differenceCount) ? html`<strong>${count(r.differenceCount)}</strong>` : '0'}</td><td>${r.feesBooked.map((m) => money(m)).join(', ') || 'none'}</td>
          <td><button class="secondary outline" aria-label=${`Open the run of ${r.fileName || when(r.importedAt)}`} @click=${() => this.openRun(r.id)}>Open</button></td></tr>`)}</tbody></table></div>
        ${this.more('runs', this.loadRuns)}`}
      ${run ? html`<h3>${run.fileName || 'Run'}: ${counted(run.differenceCount, 'difference', 'differences')}</h3>
        <p class="muted">${counted(run.lines, 'line', 'lines')} · SHA-256 ${run.fileSha256.slice(0, 16)}… · fees booked ${run.feesBooked.map((m) => money(m)).join(', ') || 'none'}
          (a PROVIDER_FEE entry per currency)</p>
        <button class="secondary" @click=${async () => { this.message = (await saveDownload(run.csvPath, `reconciliation-${run.id}.csv`)) || 'Differences downloaded.'; }}>Download the differences (CSV)</button>
        ${byKind.length === 0 ? html`<p>The report and the ledger agree.</p>` : byKind.map(([kind, list]) => html`<article data-testid=${`differences-${kind}`}>
          <header><strong>${kind}</strong> · ${counted(list.length, 'difference', 'differences')}</header>
          <p>${(DIFFERENCES[kind] || ['', ''])[0]} <em>To resolve: ${(DIFFERENCES[kind] || ['', ''])[1]}</em></p>
          <div class="table-wrap" role="region" tabindex="0" aria-label=${`${kind} differences`}><table><thead><tr><th>Line</th><th>Transaction</th><th>Purchase</th><th>Provider</th><th>Ledger</th><th>Evidence</th></tr></thead><tbody>
          ${list.map((d) => html`<tr><td>${d.line ?? ''}</td><td>${d.transactionId || ''}</td><td>${d.purchaseId || ''}</td><td>${d.provider ? money(d.provider) : ''}</td>
            <td>${d.ledger ? money(d.ledger) : ''}</td><td>${d.detail}</td></tr>`)}</tbody></table></div></article>`)}` : ''}`;
  }

  renderData() {
    const list = this.erasures;
    const now = Date.now();
    return html`<p class="muted">People who asked to be erased. Complete one once its date has passed; a payout in flight, a pending purchase or
        diamonds still held block it, and the refusal says which.</p>
      <label><input type="checkbox" role="switch" .checked=${!!this.erasuresAll} @change=${(e) => { this.erasuresAll = e.target.checked; this.load(); }}>
        Show completed requests too</label>
      ${!list ? html`<p aria-busy="true">Loading…</p>` : list.length === 0 ? html`<p class="muted">No erasure requests are waiting.</p>` : html`<div class="table-wrap" role="region" tabindex="0" aria-label="Erasure requests"><table>
        <thead><tr><th>Person</th><th>Asked</th><th>From</th><th>Status</th><th>Money</th><th></th></tr></thead><tbody>
        ${list.map((x) => {
          const due = new Date(x.eligibleAt).getTime();
          const stuck = x.status === 'REQUESTED' && now - due > STUCK_AFTER_MS;
          return html`<tr data-testid="erasure-row"><td>${x.userId}${x.reason ? html`<br><small class="muted">${x.reason}</small>` : ''}</td><td>${when(x.requestedAt)}</td>
            <td>${when(x.eligibleAt)}</td>
            <td>${x.status === 'COMPLETED' ? html`completed ${when(x.completedAt)}` : stuck ? html`<strong class="refusal">stuck: due ${when(x.eligibleAt)}</strong>`
              : due > now ? 'waiting' : 'due'}</td>
            <td>${x.status === 'COMPLETED' ? html`${coins(x.forfeitedCoins)} forfeited${Number(x.debtSettled) ? html`, ${count(x.debtSettled)} repaid a debt` : ''}${Number(x.debtWrittenOff) ? html`, ${count(x.debtWrittenOff)} written off` : ''}${Number(x.forfeitedDiamonds) ? html`, ${counted(x.forfeitedDiamonds, 'diamond', 'diamonds')} forfeited` : ''}` : ''}</td>
            <td>${x.status === 'REQUESTED' ? twoStep(this, `erase:${x.id}`, { label: 'Complete', ariaLabel: `Complete the erasure of ${x.userId}`,
              disabled: due > now, confirm: `Erase ${x.userId} for good`,
              run: () => this.act(CompleteErasure, 'completeErasure', { requestId: x.id }, (p) => `${x.userId} is erased: ${counted(p.erasureRequest.forfeitedCoins, 'coin', 'coins')} forfeited.`) }) : ''}</td></tr>`;
        })}</tbody></table></div>
        ${this.more('erasures', this.loadErasures)}`}`;
  }

  /** Runs a mutation, says its outcome in plain words, and reloads the tab. */
  /** One admin action, and what became of it said; `intent` names a money action whose key this view keeps (Intents). */
  async act(document, field, input, done, intent = null) {
    const r = await mutate(document, { input });
    if (intent) this.intents.settle(intent, userError(r, field));
    const problem = userError(r, field) || (r.error ? { message: failure(r) } : null);
    this.message = problem ? plainly(problem) : typeof done === 'function' ? done(r.data[field]) : done;
    await this.load();
    return !problem;
  }

  /** A payout decision; the row's note field holds the reason (reject, failed) or the provider's reference (paid). */
  payoutAction(p, kind, row) {
    const noteField = row.querySelector('input[name="note"]');
    const note = noteField.value.trim();
    if (kind !== 'approve' && !note) {
      noteField.setAttribute('aria-invalid', 'true');
      noteField.focus();
      this.message = kind === 'paid' ? 'Enter the payment provider\'s reference first.' : 'Enter the reason first; the creator sees it.';
      return null;
    }
    if (kind === 'approve') return this.act(ApprovePayout, 'approvePayout', { payoutId: p.id }, `Payout of ${money(p.amount)} approved.`);
    if (kind === 'paid') return this.act(MarkPayoutPaid, 'markPayoutPaid', { payoutId: p.id, externalReference: note }, `Payout of ${money(p.amount)} marked paid.`);
    return kind === 'reject'
      ? this.act(RejectPayout, 'rejectPayout', { payoutId: p.id, reason: note }, 'Payout rejected; its diamonds are available to the creator again.')
      : this.act(MarkPayoutFailed, 'markPayoutFailed', { payoutId: p.id, reason: note }, 'Payout marked failed; its diamonds are available to the creator again.');
  }

  renderPayouts() {
    const q = this.queue;
    return html`<div role="group" class="row">${STATUSES.map((s) => html`<button class=${s === this.status ? '' : 'secondary outline'} aria-pressed=${s === this.status ? 'true' : 'false'}
        @click=${() => { this.status = s; this.load(); }}>${s.toLowerCase()}</button>`)}</div>
      <form class="row" role="search" @submit=${(e) => { e.preventDefault(); this.creatorFilter = e.target.elements.creator.value.trim(); this.load(); }}>
        <label>Creator id <input name="creator" autocomplete="off" placeholder="all creators" .value=${this.creatorFilter || ''} style="margin:0"></label>
        <button type="submit" class="secondary">Filter</button></form>
      ${!q ? html`<p aria-busy="true">Loading…</p>` : q.length === 0 ? html`<p class="muted">No ${this.status.toLowerCase()} payouts.</p>` : html`<div class="table-wrap" role="region" tabindex="0" aria-label="Payout queue"><table>
        <thead><tr><th>Requested</th><th>Amount</th><th>Diamonds</th><th>Account</th><th>Expected by</th><th>Actions</th></tr></thead><tbody>
        ${repeat(q, (p) => p.id, (p) => html`<tr data-testid="queue-row"><td>${when(p.requestedAt)}</td><td><strong>${money(p.amount)}</strong></td><td>${diamonds(p.diamonds)}</td>
          <td>${p.payoutAccount ? html`${p.payoutAccount.label} ${p.payoutAccount.maskedToken} <small class="muted">${p.payoutAccount.ownerId}</small>` : ''}</td><td>${when(p.expectedBy)}</td>
          <td>${p.status === 'REQUESTED' || p.status === 'APPROVED' ? html`<div class="row">
              <input name="note" aria-label=${p.status === 'REQUESTED' ? 'Reason, to reject' : 'Provider reference, or reason it failed'}
                placeholder=${p.status === 'REQUESTED' ? 'Reason, to reject' : 'Reference or failure reason'} style="margin:0;min-width:10rem">
              ${p.status === 'REQUESTED' ? html`<button aria-label=${`Approve the payout of ${money(p.amount)}`} @click=${(e) => this.payoutAction(p, 'approve', e.target.closest('tr'))}>Approve</button>
                <button class="secondary" aria-label=${`Reject the payout of ${money(p.amount)}`} @click=${(e) => this.payoutAction(p, 'reject', e.target.closest('tr'))}>Reject</button>`
              : html`<button aria-label=${`Mark paid the payout of ${money(p.amount)}`} @click=${(e) => this.payoutAction(p, 'paid', e.target.closest('tr'))}>Mark paid</button>
                <button class="secondary" aria-label=${`Mark failed the payout of ${money(p.amount)}`} @click=${(e) => this.payoutAction(p, 'failed', e.target.closest('tr'))}>Mark failed</button>`}</div>` : p.status.toLowerCase()}</td></tr>`)}</tbody></table></div>
        ${this.more('queue', this.loadQueue)}`}`;
  }

  renderAccounts() {
    const a = this.accounts;
    const grant = (e) => submitOnce(e, async (f, form) => {
      const input = { userId: f.user.value.trim(), coins: Number(f.coins.value), reason: f.reason.value };
      const ok = await this.act(GrantCoins, 'grantCoins', { ...input, idempotencyKey: this.intents.key('grantCoins', input) },
        (p) => `Granted; their wallet now holds ${counted(p.wallet.coins, 'coin', 'coins')}.`, 'grantCoins');
      if (ok) form.reset();
    });
    const hold = (e) => {
      e.preventDefault();
      const place = e.submitter && e.submitter.value === 'place';
      const f = e.target.elements;
      const userId = f.holdUser.value.trim();
      // (releasing skips the form's checks, as it needs no reason; the id is still needed)
      if (!userId) { this.message = 'Enter the user id of the account first.'; f.holdUser.focus(); return; }
      if (place) this.act(PlaceHold, 'placeHold', { userId, reason: f.holdReason.value }, `${userId} is on hold: no purchases, gifts or payouts until released.`);
      else this.act(ReleaseHold, 'releaseHold', { userId }, `${userId} is no longer on hold.`);
    };
    const reverse = (e) => submitOnce(e, (f) => {
      const input = { purchaseId: f.purchase.value.trim(), kind: f.kind.value };
      return this.act(ReversePurchase, 'reversePurchase', { ...input, idempotencyKey: this.intents.key('reversePurchase', input) },
        (p) => `Reversed: ${counted(p.reversal.coinsClawedBack, 'coin', 'coins')} clawed back, ${counted(p.reversal.giftsReversed, 'gift', 'gifts')} and ${counted(p.reversal.diamondsReversed, 'diamond', 'diamonds')} reversed, ${counted(p.reversal.coinDebt, 'coin', 'coins')} owed.`, 'reversePurchase');
    });
    return html`<h2>Payout accounts to verify</h2>
      ${!a ? html`<p aria-busy="true">Loading…</p>` : a.length === 0 ? html`<p class="muted">Every payout account has been reviewed.</p>` : html`<div class="table-wrap" role="region" tabindex="0" aria-label="Payout accounts to verify"><table>
        <thead><tr><th>Creator</th><th>Account</th><th>Registered</th><th>Decision</th></tr></thead><tbody>${a.map((x) => html`<tr>
          <td>${x.ownerId}</td><td>${x.label} (${x.kind.toLowerCase()} ${x.maskedToken})</td><td>${when(x.createdAt)}</td>
          <td class="row"><button @click=${() => this.act(VerifyPayoutAccount, 'verifyPayoutAccount', { payoutAccountId: x.id, verified: true }, `${x.label} verified.`)} aria-label=${`Verify ${x.label} of ${x.ownerId}`}>Verify</button>
            <button class="secondary" @click=${() => this.act(VerifyPayoutAccount, 'verifyPayoutAccount', { payoutAccountId: x.id, verified: false }, `${x.label} refused.`)} aria-label=${`Refuse ${x.label} of ${x.ownerId}`}>Refuse</button></td></tr>`)}
        </tbody></table></div>`}
      <div class="cards">
        <article><header><strong>Hold an account</strong></header><form @submit=${hold}>
          <label>User id<input name="holdUser" required autocomplete="off"></label><label>Reason (for placing)<input name="holdReason" required maxlength="500"></label>
          <div class="row"><button type="submit" value="place">Place hold</button><button type="submit" value="release" formnovalidate class="secondary">Release hold</button></div></form></article>
        <article><header><strong>Grant coins</strong></header><form @submit=${grant}>
          <label>User id<input name="user" required autocomplete="off"></label><label>Coins<input name="coins" type="number" min="1" step="1" required></label>
          <label>Reason<input name="reason" required maxlength="500"></label><button type="submit">Grant</button></form></article>
        <article><header><strong>Reverse a purchase</strong></header><form @submit=${reverse}>
          <label>Purchase id<input name="purchase" required autocomplete="off"></label>
          <label>Kind<select name="kind"><option value="REFUND">Refund</option><option value="CHARGEBACK">Chargeback</option></select></label>
          <button type="submit">Reverse</button></form></article></div>`;
  }

  renderLedger() {
    const a = this.audit;
    if (!a) return html`<p aria-busy="true">Loading…</p>`;
    return html`<p data-testid="audit" class=${a.balanced && a.reconciled ? '' : 'refusal'}>
        ${a.balanced && a.reconciled ? 'The ledger balances and reconciles with every record.' : 'The ledger has mismatches.'}
        ${counted(a.entries, 'entry', 'entries')}, ${counted(a.postings, 'posting', 'postings')} checked.</p>
      <button class="secondary outline" @click=${() => this.load()}>Run the audit again</button>
      <div class="table-wrap" role="region" tabindex="0" aria-label="Ledger totals per asset"><table><thead><tr><th>Asset</th><th>Postings sum</th><th>Balances sum</th></tr></thead><tbody>${a.assets.map((x) => html`<tr>
        <td>${x.asset}</td><td>${count(x.postingsSum)}</td><td>${count(x.balancesSum)}</td></tr>`)}</tbody></table></div>
      ${a.mismatches.length ? html`<h3>Mismatches</h3><div class="table-wrap" role="region" tabindex="0" aria-label="Ledger mismatches"><table><thead><tr><th>Kind</th><th>Subject</th><th>Detail</th><th>Expected</th><th>Actual</th></tr></thead><tbody>
        ${a.mismatches.map((m) => html`<tr><td>${m.kind}</td><td>${m.subject}</td><td>${m.detail}</td><td>${m.expected}</td><td>${m.actual}</td></tr>`)}</tbody></table></div>` : ''}`;
  }

  renderRisk() {
    const s = this.suspicious;
    if (!s) return html`<p aria-busy="true">Loading…</p>`;
    if (s.length === 0) return html`<p class="muted">No creator gets most of their gifts from new accounts that gift nobody else.</p>`;
    return html`<p class="muted">Creators whose senders are mostly new accounts that gifted nobody else: a sign of self-funding or laundering.</p>
      ${s.map((c) => html`<article><header><strong>${c.displayName}</strong> <small class="muted">${c.creatorId}</small></header>
        <p>${c.sharePercent}% of ${count(c.totalSenders)} senders are exclusive new accounts (${count(c.exclusiveNewSenders)}),
          giving ${coins(c.coinsFromExclusiveNewSenders)} of ${coins(c.totalCoins)}.</p>
        <p class="muted">For example: ${c.sampleSenders.join(', ')}</p>
        <button class="secondary" @click=${() => this.act(PlaceHold, 'placeHold', { userId: c.creatorId, reason: `Suspicious senders: ${c.sharePercent}% exclusive new accounts` },
          `${c.displayName} is on hold while you review.`)}>Hold this creator</button></article>`)}`;
  }

  renderRates() {
    const r = this.rates;
    if (!r) return html`<p aria-busy="true">Loading…</p>`;
    // (each form of the console sends once at a time (submitOnce): a double click made two gifts, packages or versions)
    const publish = (e) => submitOnce(e, (f) => {
      if (!f.num.value !== !f.den.value) {
        this.message = 'Give the creator share as both a numerator and a denominator, or neither.';
        return;
      }
      const input = { effectiveFrom: instant(f.from.value) };
      if (f.num.value) input.creatorShare = { numerator: Number(f.num.value), denominator: Number(f.den.value) };
      if (f.diamond.value) input.diamondValues = [{ amount: f.diamond.value.trim(), currency: f.currency.value.trim().toUpperCase() }];
      if (f.baseRegion.value || f.baseCoins.value || f.basePrice.value) {
        input.coinBasePrices = [{ region: f.baseRegion.value.trim().toUpperCase(), coins: f.baseCoins.value,
          price: { amount: f.basePrice.value.trim(), currency: f.baseCurrency.value.trim().toUpperCase() } }];
      }
      return this.act(SetRates, 'setRates', input, (p) => `Rates version ${p.rates.version} published, in force from ${when(p.rates.effectiveFrom)}.`);
    });
    const now = r.rates;
    return html`<p>In force: version ${now.version} since ${when(now.effectiveFrom)}; creators receive ${now.creatorShare.percent}% of a gift's coins as diamonds
        (${now.creatorShare.numerator}/${now.creatorShare.denominator}).</p>
      <div class="cards">
        <figure><figcaption>What a diamond is worth</figcaption><div class="table-wrap" role="region" tabindex="0" aria-label="Diamond values"><table>
          <thead><tr><th>Currency</th><th>A diamond</th></tr></thead>
          <tbody>${now.diamondValues.map((d) => html`<tr><td>${d.currency}</td><td>${d.amount}</td></tr>`)}</tbody></table></div></figure>
        <figure><figcaption>Coin base prices (what a coin is worth where a viewer bought none)</figcaption>
          <div class="table-wrap" role="region" tabindex="0" aria-label="Coin base prices"><table>
          <thead><tr><th>Region</th><th>Coins</th><th>Price</th></tr></thead>
          <tbody>${now.coinBasePrices.map((c) => html`<tr><td>${c.region}</td><td>${count(c.coins)}</td><td>${money(c.price)}</td></tr>`)}</tbody></table></div></figure></div>
      <form @submit=${publish}><fieldset><legend>Publish a new version (empty fields keep their value)</legend>
        <div class="row"><label>Creator share numerator<input name="num" type="number" min="0" step="1"></label>
        <label>denominator<input name="den" type="number" min="1" max="1000000" step="1"></label></div>
        <div class="row"><label>Diamond value<input name="diamond" inputmode="decimal" pattern="[0-9]+([.][0-9]{1,8})?" placeholder="0.005"></label>
        <label>in currency<input name="currency" value="USD" minlength="3" maxlength="3" pattern="[A-Za-z]{3}"></label></div>
        <div class="row"><label>Base price: region<input name="baseRegion" minlength="2" maxlength="2" pattern="[A-Za-z]{2}" placeholder="US"></label>
        <label>coins<input name="baseCoins" type="number" min="1" max="1000000" step="1" placeholder="70"></label>
        <label>price<input name="basePrice" inputmode="decimal" pattern="[0-9]+([.][0-9]{1,4})?" placeholder="0.99"></label>
        <label>currency<input name="baseCurrency" value="USD" minlength="3" maxlength="3" pattern="[A-Za-z]{3}"></label></div>
        <label>In force from (empty: now)<input name="from" type="datetime-local"></label></fieldset>
        <button type="submit">Publish</button></form>
      <h3>History</h3><div class="table-wrap" role="region" tabindex="0" aria-label="Rate history"><table><thead><tr><th>Version</th><th>From</th><th>Creator share</th></tr></thead><tbody>
        ${r.rateHistory.map((h) => html`<tr><td>${h.version}</td><td>${when(h.effectiveFrom)}</td><td>${h.creatorShare.percent}%</td></tr>`)}</tbody></table></div>`;
  }

  /** The region whose coin packages the catalogue tab shows (the admin's own until they pick another). */
  packageRegion() {
    return this.packagesRegion || (this.me && this.me.region) || 'US';
  }

  /** Coin packages on sale in one region: retire one, or put a new one on sale (coins for a price in that region's currency). */
  renderPackages() {
    const list = this.packages;
    const region = this.packageRegion();
    const create = (e) => submitOnce(e, (f, form) => this.act(CreateCoinPackage, 'createCoinPackage',
      { region, coins: f.coins.value, price: { amount: f.amount.value, currency: f.currency.value.toUpperCase() } },
      (p) => `${counted(p.coinPackage.coins, 'coin', 'coins')} for ${money(p.coinPackage.price)} ${Number(p.coinPackage.coins) === 1 ? 'is' : 'are'} on sale in ${region}.`)
      .then((ok) => ok && form.reset()));
    const retire = (p) => this.act(RetireCoinPackage, 'retireCoinPackage', { packageId: p.id },
      `The package of ${counted(p.coins, 'coin', 'coins')} is off sale in ${region}; purchases already made keep it.`);
    return html`<h2 id="packages-heading">Coin packages in ${region}</h2>
      ${!list ? html`<p aria-busy="true">Loading…</p>` : list.length === 0 ? html`<p class="muted">No packages on sale in ${region}.</p>` : html`
      <div class="table-wrap" role="region" tabindex="0" aria-labelledby="packages-heading"><table><thead><tr><th>Coins</th><th>Price</th><th></th></tr></thead><tbody>
        ${list.map((p) => html`<tr data-testid="coin-package"><td>${count(p.coins)}</td><td>${money(p.price)}</td>
          <td>${twoStep(this, `package:${p.id}`, { label: 'Retire', ariaLabel: `Retire the package of ${p.coins} coins`,
            confirm: `Take ${counted(p.coins, 'coin', 'coins')} off sale`, run: () => retire(p) })}</td></tr>`)}
      </tbody></table></div>`}
      <form @submit=${create}><fieldset class="row"><legend>Put a package on sale in ${region}</legend>
        <label>Coins in the package<input name="coins" type="number" min="1" step="1" required></label>
        <label>Price<input name="amount" required inputmode="decimal" pattern="[0-9]+([.][0-9]{1,4})?" placeholder="4.99"></label>
        <label>Currency<input name="currency" required minlength="3" maxlength="3" pattern="[A-Za-z]{3}" value=${list && list[0] ? list[0].price.currency : 'USD'}></label></fieldset>
        <button type="submit">Put on sale</button></form>`;
  }

  renderCatalogue() {
    const c = this.catalogue;
    if (!c) return html`<p aria-busy="true">Loading…</p>`;
    const region = this.packageRegion();
    const regions = (text) => text.split(/[\s,]+/).filter((x) => x).map((x) => x.toUpperCase());
    const create = (e) => submitOnce(e, (f, form) => this.act(CreateGift, 'createGift', { name: f.name.value, coins: Number(f.coins.value),
      tier: Number(f.tier.value), animationKey: f.animation.value, regions: regions(f.regions.value), activeFrom: instant(f.from.value),
      activeUntil: instant(f.until.value) }, (p) => `${p.gift.name} is in the catalogue.`).then((ok) => ok && form.reset()));
    // an edit sends only what was changed: every field of UpdateGiftInput left out keeps its value
    const edit = (e, g) => {
      e.preventDefault();
      const f = e.target.elements;
      const input = { giftId: g.id };
      if (f.name.value.trim() && f.name.value.trim() !== g.name) input.name = f.name.value.trim();
      if (f.coins.value && f.coins.value !== String(g.coins)) input.coins = f.coins.value;
      if (f.tier.value && Number(f.tier.value) !== g.tier) input.tier = Number(f.tier.value);
      if (f.regions.value.trim() !== g.regions.join(', ')) input.regions = regions(f.regions.value);
      if (f.until.value) input.activeUntil = instant(f.until.value);
      if (Object.keys(input).length === 1) { this.message = 'Nothing was changed.'; return; }
      this.act(UpdateGift, 'updateGift', input, (p) => `${p.gift.name} is changed.`).then((ok) => ok && (this.editing = null));
    };
    const retire = (g) => this.act(UpdateGift, 'updateGift', { giftId: g.id, activeUntil: new Date().toISOString() }, `${g.name} is retired; past gifts keep it.`);
    const editing = c.find((g) => g.id === this.editing);
    return html`<form class="row" @submit=${(e) => { e.preventDefault(); this.packagesRegion = e.target.elements.region.value.trim().toUpperCase(); this.load(); }}>
        <label>Region (ISO 3166-1)<input name="region" .value=${region} required minlength="2" maxlength="2" pattern="[A-Za-z]{2}"></label>
        <button type="submit" class="secondary">Show</button></form>
      <p class="muted">The gifts on offer in ${region} now; gifts and packages below are this region's.</p>
      <div class="table-wrap" role="region" tabindex="0" aria-label="Gift catalogue"><table><thead><tr><th>Gift</th><th>Coins</th><th>Tier</th><th>Regions</th><th>Available</th><th></th></tr></thead><tbody>
        ${c.map((g) => html`<tr data-testid="catalogue-gift"><td><bdi>${g.name}</bdi></td><td>${count(g.coins)}</td><td>${g.tier}</td><td>${g.regions.length ? g.regions.join(', ') : 'everywhere'}</td>
          <td>${g.activeFrom ? when(g.activeFrom) : ''}${g.activeUntil ? ` – ${when(g.activeUntil)}` : ''}</td>
          <td class="row"><button class="secondary outline" @click=${() => { this.editing = g.id; }} aria-label=${`Edit ${g.name}`}>Edit</button>
            ${twoStep(this, `gift:${g.id}`, { label: 'Retire', ariaLabel: `Retire ${g.name}`, confirm: `Retire ${g.name} for good`, run: () => retire(g) })}</td></tr>`)}</tbody></table></div>
      ${editing ? html`<form @submit=${(e) => edit(e, editing)} data-testid="gift-edit"><fieldset><legend>Change ${editing.name} (what you leave as it is stays)</legend>
        <div class="row"><label>Name<input name="name" maxlength="64" .value=${editing.name}></label>
        <label>Coins<input name="coins" type="number" min="1" step="1" .value=${String(editing.coins)}></label>
        <label>Tier<input name="tier" type="number" min="1" max="10" step="1" .value=${String(editing.tier)}></label></div>
        <div class="row"><label>Regions (empty: everywhere)<input name="regions" .value=${editing.regions.join(', ')} placeholder="US, GB"></label>
        <label>Until (empty: as it is)<input name="until" type="datetime-local"></label></div></fieldset>
        <div class="row"><button type="submit">Save</button><button type="button" class="secondary" @click=${() => { this.editing = null; }}>Cancel</button></div></form>` : ''}
      <form @submit=${create}><fieldset class="row"><legend>Add a gift</legend>
        <label>Name<input name="name" required maxlength="64"></label><label>Coins<input name="coins" type="number" min="1" step="1" required></label>
        <label>Tier<input name="tier" type="number" min="1" max="10" step="1" value="1" required></label>
        <label>Animation<input name="animation" required value="gifts/rose"></label>
        <label>Regions (empty: everywhere)<input name="regions" placeholder="US, GB"></label>
        <label>From (empty: now)<input name="from" type="datetime-local"></label><label>Until (empty: no end)<input name="until" type="datetime-local"></label></fieldset>
        <button type="submit">Add</button></form>
      ${this.renderPackages()}`;
  }

  render() {
    if (!this.admin()) return html`<h1>Admin</h1><p>Sign in with an admin account to open the console.</p>`;
    const body = { payouts: () => this.renderPayouts(), accounts: () => this.renderAccounts(), ledger: () => this.renderLedger(), risk: () => this.renderRisk(),
      audit: () => this.renderAudit(), data: () => this.renderData(), webhooks: () => html`<cs-webhooks admin></cs-webhooks>`, reconciliation: () => this.renderReconciliation(),
      rates: () => this.renderRates(), catalogue: () => this.renderCatalogue() }[this.tab];
    return html`<h1>Admin</h1>
      <nav class="tabs" aria-label="Admin"><ul>${TABS.map(([t, label]) => html`<li><a href="#" aria-current=${this.tab === t ? 'page' : 'false'}
        @click=${(e) => { e.preventDefault(); this.show(t); }}>${label}</a></li>`)}</ul></nav>
      ${this.error ? html`<p class="refusal" role="alert">${this.error}</p>` : ''}
      <p role="status" data-testid="admin-message">${this.message || ''}</p>
      ${body()}`;
  }
}
customElements.define('cs-admin', Admin);
