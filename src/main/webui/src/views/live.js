import { html } from 'lit';
import { View } from '../main.js';
import { query } from '../api.js';
import { failure } from '../messages.js';
import { count, counted, when } from '../format.js';
import { icon, coin } from '../gifts.js';
import LiveStreams from '../graphql/LiveStreams.graphql?raw';

class Live extends View {
  static properties = { streams: { state: true }, error: { state: true }, next: { state: true } };

  connectedCallback() {
    super.connectedCallback();
    this.load();
  }

  async load(after = null) {
    const r = await query(LiveStreams, { after });
    // (a page the list already has (a double click on Older) adds nothing: only the page after the list's last is added)
    if (after && after !== this.next) return;
    this.error = failure(r);
    if (r.data) {
      this.streams = [...(after ? this.streams || [] : []), ...r.data.liveStreams.nodes];
      this.next = r.data.liveStreams.pageInfo.hasNextPage ? r.data.liveStreams.pageInfo.endCursor : null;
    }
  }

  render() {
    if (this.error) return html`<h1>Live now</h1><p class="refusal" role="alert">${this.error} <button @click=${() => this.load()}>Try again</button></p>`;
    if (!this.streams) return html`<h1>Live now</h1><p aria-busy="true">Loading the live streams…</p>`;
    return html`<h1>Live now</h1>
      ${this.streams.length === 0 ? html`<p>Nobody is live right now. Creators go live from their Studio.</p>` : ''}
      <div class="cards">${this.streams.map((s) => html`<article>
        <header><a href=${`/stream/${s.id}`}><strong>${s.title}</strong></a></header>
        <p>${s.creator.displayName}</p>
        <footer class="muted">${icon()} ${counted(s.totals.gifts, 'gift', 'gifts')} · ${coin()} ${counted(s.totals.coins, 'coin', 'coins')} · since ${when(s.startedAt)}</footer>
      </article>`)}</div>
      ${this.next ? html`<button class="secondary" @click=${() => this.load(this.next)}>More streams</button>` : ''}`;
  }
}
customElements.define('cs-live', Live);
