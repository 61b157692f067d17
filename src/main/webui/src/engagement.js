// The live mechanics of a stream, from streamActivity: combos (one growing counter per streak), goal bars and the
// battle bar. Shared by the stream room, the creator's live dashboard and the overlay. Money is always shown next to
// coins: each value comes from the API, in the reader's currency.
import { html } from 'lit';
import { query, subscribe, onReconnect } from './api.js';
import { money, count, counted } from './format.js';
import { icon, coins } from './gifts.js';
import StreamActivity from './graphql/StreamActivity.graphql?raw';
import StreamGoals from './graphql/StreamGoals.graphql?raw';
import Match from './graphql/Match.graphql?raw';
import StreamMatch from './graphql/StreamMatch.graphql?raw';

export class Activity {
  /** onChange is called after every change; overlayKey for the overlay (no sign-in). */
  constructor(streamId, onChange, { overlayKey = null } = {}) {
    this.streamId = streamId;
    this.onChange = onChange;
    this.overlayKey = overlayKey;
    this.combos = new Map();
    this.goals = new Map();
    this.match = null;
  }

  async start(currentMatchId = null) {
    this.stopSubscription = subscribe(StreamActivity, { streamId: this.streamId, overlayKey: this.overlayKey }, (r) => {
      if (r.data && r.data.streamActivity) this.receive(r.data.streamActivity);
    });
    // (streamActivity has no replay: after the connection comes back, goals and the match are read again, since a goal
    // ended or a match finished while it was down sends nothing more)
    this.stopReconnect = onReconnect(() => this.catchUp());
    // read after subscribing: it holds what changed while the page set up (progress, a goal reached or ended), so it
    // replaces the page's first read, except for a goal the subscription has told of since, which is newer still
    this.heard = new Set();
    const goals = await query(StreamGoals, { streamId: this.streamId });
    if (goals.data) {
      const active = goals.data.streamGoals.filter((g) => g.active);
      [...this.goals.keys()].forEach((id) => { if (!this.heard.has(id) && !active.some((g) => g.id === id)) this.goals.delete(id); });
      active.forEach((g) => { if (!this.heard.has(g.id)) this.goals.set(g.id, g); });
    }
    if (currentMatchId) await this.loadMatch(currentMatchId);
    this.onChange();
    return this;
  }

  stop() {
    this.stopped = true;
    if (this.stopSubscription) this.stopSubscription();
    if (this.stopReconnect) this.stopReconnect();
    clearInterval(this.ticker);
  }

  /**
   * Goals, the match and combos as they are now: what an outage of the connection may have kept from this page (a goal
   * ended, a match started or finished, a combo's end).
   */
  async catchUp() {
    const [goals, stream] = await Promise.all([query(StreamGoals, { streamId: this.streamId }), query(StreamMatch, { id: this.streamId })]);
    if (this.stopped) return;
    this.combos.clear();
    if (goals.data) {
      const active = goals.data.streamGoals.filter((g) => g.active);
      [...this.goals.keys()].forEach((id) => { if (!active.some((g) => g.id === id)) this.goals.delete(id); });
      active.forEach((g) => this.goals.set(g.id, { ...(this.goals.get(g.id) || {}), ...g, justReached: false }));
    }
    const current = stream.data && stream.data.liveStream ? stream.data.liveStream.currentMatch : null;
    if (current) await this.loadMatch(current.id);
    else if (this.match) await this.loadMatch(this.match.id);
    if (!this.stopped) this.onChange();
  }

  async loadMatch(id) {
    const r = await query(Match, { id });
    if (this.stopped) return;
    if (r.data && r.data.match) {
      this.match = { ...r.data.match, inviterSide: r.data.match.inviter.streamId === this.streamId };
      this.tick();
    }
  }

  receive(a) {
    if (a.combo) {
      if (a.combo.ended) {
        const shown = this.combos.get(a.combo.id);
        if (shown) {
          this.combos.set(a.combo.id, { ...a.combo });
          setTimeout(() => { this.combos.delete(a.combo.id); this.onChange(); }, 2500);
        }
      } else {
        this.combos.set(a.combo.id, a.combo);
      }
    }
    if (a.goal) {
      if (this.heard) this.heard.add(a.goal.id);
      if (a.goal.active) this.goals.set(a.goal.id, { ...a.goal, justReached: a.kind === 'GOAL_REACHED' });
      else this.goals.delete(a.goal.id);
    }
    if (a.match) {
      const m = a.match;
      if (a.kind === 'MATCH_STARTED' || a.kind === 'MATCH_INVITED' || !this.match || this.match.id !== m.matchId) {
        this.loadMatch(m.matchId);
      } else {
        this.match = { ...this.match, status: m.status, winner: m.winner, endsAt: m.endsAt,
          inviter: { ...this.match.inviter, score: m.inviterScore, scoreValue: m.inviterValue },
          invitee: { ...this.match.invitee, score: m.inviteeScore, scoreValue: m.inviteeValue } };
        if (a.kind === 'MATCH_ENDED') this.loadMatch(m.matchId);
      }
    }
    this.onChange();
  }

  /** The battle bar's countdown. */
  tick() {
    clearInterval(this.ticker);
    this.ticker = setInterval(() => {
      if (!this.match || this.match.status !== 'RUNNING') return clearInterval(this.ticker);
      // (past its end with no result heard: the match is read again, every 5 s until it says how it ended)
      const over = Date.now() - new Date(this.match.endsAt).getTime();
      if (over > 3000 && Math.floor(over / 1000) % 5 === 3) this.loadMatch(this.match.id);
      this.onChange();
    }, 1000);
  }
}

export function renderCombos(activity) {
  const combos = [...activity.combos.values()];
  if (!combos.length) return '';
  return html`<div class="combos" aria-live="polite" data-testid="combos">${combos.map((c) => html`<div class=${`combo${c.ended ? ' ended' : ''}`}>
    <span aria-hidden="true">${icon(c.gift)}</span> <strong><bdi>${c.senderName}</bdi></strong> <bdi>${c.gift ? c.gift.name : 'gift'}</bdi>
    <span class="combo-count">×${count(c.count)}</span> <small>${coins(c.coins)} · ${money(c.value)}${c.ended ? ' · combo over' : ''}</small></div>`)}</div>`;
}

export function renderGoals(activity) {
  const goals = [...activity.goals.values()];
  if (!goals.length) return '';
  return html`<div class="goals" data-testid="goals">${goals.map((g) => {
    const pct = Math.min(100, Math.floor((Number(g.progress) * 100) / Math.max(1, Number(g.target))));
    const unit = g.kind === 'GIFT' ? ` ${g.gift ? g.gift.name : 'gifts'}` : ' coins';
    return html`<div class="goal">
      <div class="row" style="justify-content:space-between"><strong>${g.title}</strong>
        <span>${count(g.progress)} / ${count(g.target)}${unit} · ${money(g.value)} of ${money(g.targetValue)}${g.reached ? ' · reached!' : ''}</span></div>
      <progress value=${Math.min(Number(g.progress), Number(g.target))} max=${g.target} aria-label=${`${g.title}: ${pct}%`}></progress></div>`;
  })}</div>`;
}

function remaining(endsAt) {
  const s = Math.max(0, Math.round((new Date(endsAt).getTime() - Date.now()) / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

export function renderBattle(activity) {
  const m = activity.match;
  if (!m || (m.status !== 'RUNNING' && m.status !== 'FINISHED')) return '';
  const a = Number(m.inviter.score);
  const b = Number(m.invitee.score);
  const share = a + b === 0 ? 50 : Math.round((a * 100) / (a + b));
  const result = m.status === 'FINISHED' ? (m.winner === 'TIE' ? 'A tie!' : `${(m.winner === 'INVITER' ? m.inviter : m.invitee).creator.displayName} wins`
    + `${(m.inviter.forfeited || m.invitee.forfeited) ? ' (the other stream ended)' : ''}`) : `${remaining(m.endsAt)} left`;
  return html`<section class="battle" aria-label="LIVE Match" data-testid="battle">
    <div class="row" style="justify-content:space-between">
      <span><strong><bdi>${m.inviter.creator.displayName}</bdi></strong> ${coins(a)} · ${money(m.inviter.scoreValue)}</span>
      <span class="muted" data-testid="battle-result">${result}</span>
      <span>${money(m.invitee.scoreValue)} · ${coins(b)} <strong><bdi>${m.invitee.creator.displayName}</bdi></strong></span></div>
    <div class="battle-bar" role="img" aria-label=${`${m.inviter.creator.displayName} ${counted(a, 'coin', 'coins')}, ${m.invitee.creator.displayName} ${counted(b, 'coin', 'coins')}`}>
      <span style=${`width:${share}%`}></span></div>
    ${m.status === 'FINISHED' ? html`<div class="row" style="justify-content:space-between">${[m.inviter, m.invitee].map((s) => html`<small>Top: ${s.topSupporters.length
      ? s.topSupporters.map((t) => `\u2068${t.supporter.displayName}\u2069 ${counted(t.coins, 'coin', 'coins')}`).join(', ') : 'nobody'}</small>`)}</div>` : ''}
  </section>`;
}
