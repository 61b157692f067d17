// A stream's live feed that misses nothing: events come over graphql-ws, numbered per stream. The subscription
// starts after the last event the page read (giftEvents(after:)), so the service sends first what was committed while
// it was being set up; a jump in the numbers (a subscriber too slow, events dropped by the service) or a reconnect
// reads the missing ones with streamEvents(after:). Every gift is shown once, in order.
import { query, subscribe, onReconnect } from './api.js';
import GiftEvents from './graphql/GiftEvents.graphql?raw';
import StreamEvents from './graphql/StreamEvents.graphql?raw';

/** Refusals a subscription is not taken up again after: the stream or key is gone, or the person may not read it. */
const FINAL = new Set(['NOT_FOUND', 'FORBIDDEN', 'UNAUTHENTICATED', 'BAD_REQUEST', 'BAD_USER_INPUT']);

export class StreamFeed {
  constructor(streamId, onEvent, { overlayKey = null, onError = () => {} } = {}) {
    this.streamId = streamId;
    this.onEvent = onEvent;
    this.onError = onError;
    this.overlayKey = overlayKey;
    this.last = null;
    this.seen = new Set();
  }

  /** Start after the stream's current last event ({@code startAfter}), or from the live edge. */
  start(startAfter = null) {
    this.last = startAfter;
    this.listen();
    this.stopReconnect = onReconnect(() => this.backfill());
    return this;
  }

  /**
   * Subscribe after the last event shown. A subscription the service ends with an error (too many open at once, a
   * moment's fault) is taken up again after a growing pause, once what came meanwhile was read; one refused for good
   * (the stream or key gone, the person signed out) is not.
   */
  listen() {
    this.listening = Date.now();
    this.stopSubscription = subscribe(GiftEvents, { streamId: this.streamId, overlayKey: this.overlayKey, after: this.last }, (r) => {
      if (r.error) {
        this.onError(r.error);
        const code = r.error.graphQLErrors && r.error.graphQLErrors[0] && r.error.graphQLErrors[0].extensions
          ? r.error.graphQLErrors[0].extensions.code : null;
        if (!this.stopped && !FINAL.has(code)) {
          // (a growing pause, with jitter so that many rooms do not come back at once; it starts again only after a
          // subscription that held for a minute)
          this.pause = Math.min((Date.now() - (this.listening || 0) > 60000 ? 500 : this.pause || 500) * 2, 30000);
          clearTimeout(this.retry);
          this.retry = setTimeout(async () => {
            if (this.stopped) return;
            if (this.stopSubscription) this.stopSubscription();
            await this.backfill();
            if (!this.stopped) this.listen();
          }, this.pause * (0.75 + Math.random() / 2));
        }
        return;
      }
      if (r.data && r.data.giftEvents) this.receive(r.data.giftEvents);
    });
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.retry);
    if (this.stopSubscription) this.stopSubscription();
    if (this.stopReconnect) this.stopReconnect();
  }

  async receive(event) {
    const seq = Number(event.sequence);
    if (this.last !== null && seq > this.last + 1) await this.backfill(seq);
    this.deliver(event);
  }

  deliver(event) {
    const seq = Number(event.sequence);
    const again = this.seen.has(event.id);
    this.seen.add(event.id);
    if (this.last === null || seq > this.last) this.last = seq;
    this.onEvent(event, again);
  }

  async backfill(before = Infinity) {
    if (this.last === null) return;
    let after = this.last;
    for (let page = 0; page < 20; page++) {
      const r = await query(StreamEvents, { streamId: this.streamId, after, overlayKey: this.overlayKey });
      const events = r.data ? r.data.streamEvents : [];
      for (const e of events) {
        if (Number(e.sequence) >= before) return;
        if (!this.seen.has(e.id)) this.deliver(e);
      }
      if (events.length < 100) return;
      after = Number(events[events.length - 1].sequence);
    }
  }
}
