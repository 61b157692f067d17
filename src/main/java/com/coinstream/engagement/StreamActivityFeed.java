package com.coinstream.engagement;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.graphql.Enum;
import org.jboss.logging.Logger;

import com.coinstream.domain.Ids;
import com.coinstream.events.ClusterEvents;
import com.coinstream.identity.ErasedAccounts;
import com.coinstream.gifting.GiftEvent;
import com.coinstream.gifting.GiftEvents;
import com.coinstream.gifting.GiftFeed;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.smallrye.mutiny.subscription.MultiEmitter;
import io.vertx.mutiny.core.Vertx;

/**
 * What happens in a stream besides single gifts, for streamActivity: combos (derived from the committed gifts the gift
 * feed delivers, see {@link Combos}) and goal progress (re-read from the database, where the batch counts it exactly,
 * shortly after gifts of a stream with active goals, and at once when a goal is set or ended on any instance). One room per
 * watched stream on this instance, shared by its subscribers, gone with the last of them.
 */
@ApplicationScoped
public class StreamActivityFeed {
    private static final Logger LOG = Logger.getLogger(StreamActivityFeed.class);
    private static final int SUBSCRIBER_BUFFER = 256;
    /** How often open combos are checked for their end. */
    private static final long TICK_MS = 100;
    /** Goal progress is re-read at most this often per stream while gifts pour in. */
    private static final long GOAL_REFRESH_MS = 100;
    /** A running match's score is re-read this often (the other side's gifts move it too). */
    private static final long MATCH_REFRESH_MS = 250;
    /** Gifts read back when a room opens, to pick up combos already running. */
    private static final int SEED_GIFTS = 200;

    private final GiftFeed gifts;
    private final GiftEvents events;
    private final StreamGoals goals;
    private final Matches matches;
    private final Vertx vertx;
    private final Clock clock;
    private final Duration window;
    private final Duration grace;
    private final Map<UUID, Room> rooms = new ConcurrentHashMap<>();
    private final ErasedAccounts erased;
    private Long ticker;

    public StreamActivityFeed(GiftFeed gifts, GiftEvents events, StreamGoals goals, Matches matches, ClusterEvents cluster, Vertx vertx,
            Clock clock, EngagementConfig config, ErasedAccounts erased) {
        this.erased = erased;
        this.matches = matches;
        this.gifts = gifts;
        this.events = events;
        this.goals = goals;
        this.vertx = vertx;
        this.clock = clock;
        this.window = config.comboWindow();
        this.grace = config.comboGrace();
        // a goal or match changed, or the stream ended (which ends its goals and forfeits its match), on any instance
        cluster.on(ClusterEvents.ACTIVITY, payload -> Ids.parse(payload).map(rooms::get).ifPresent(Room::refreshSoon));
        // (a stream that ended also ends the other stream's invitation to it, or match with it: that room reads again too)
        cluster.on(ClusterEvents.STREAMS, payload -> Ids.parse(payload).ifPresent(ended -> rooms.values().forEach(room -> {
            if (room.streamId.equals(ended) || room.playsWith(ended)) {
                room.refreshSoon();
            }
        })));
    }

    /** A person erased (on any instance): their open combos carry the pseudonym from now on. */
    void onErased(@Observes ErasedAccounts.AccountErased erased) {
        rooms.values().forEach(room -> room.rename(erased.userId(), erased.pseudonym()));
    }

    @Enum("StreamActivityKind")
    public enum Kind {
        /** A combo started or grew. */
        COMBO,
        /** A combo is over: its final count and coins. */
        COMBO_ENDED,
        /** The creator set a goal. */
        GOAL_SET,
        /** A goal's progress moved. */
        GOAL_PROGRESS,
        /** A goal reached its target (once). */
        GOAL_REACHED,
        /** A goal ended (by the creator, or with the stream). */
        GOAL_ENDED,
        /** The stream's creator invited, or was invited to, a match. */
        MATCH_INVITED,
        /** A match of the stream started. */
        MATCH_STARTED,
        /** A match's score moved. */
        MATCH_SCORE,
        /** A match is over (FINISHED, with its winner), or its invitation was declined, expired or cancelled. */
        MATCH_ENDED
    }

    /** One thing that happened, before it is valued for a subscriber. */
    public record Activity(Kind kind, UUID streamId, Combos.Combo combo, StreamGoals.Goal goal, Matches.Match match, Instant at) {
    }

    /**
     * How long a room's subscription goes on once its stream is known to have ended: long enough for the stream's
     * last combo to end with its total (the window and its grace), and for the goals and match the end ended.
     */
    public Duration endGrace() {
        return window.plus(grace).plusSeconds(1);
    }

    public Multi<Activity> stream(UUID streamId) {
        Multi<Activity> multi = Multi.createFrom().emitter(emitter -> {
            Room room = rooms.compute(streamId, (id, existing) -> {
                Room r = existing == null ? new Room(id) : existing;
                r.subscribers.add(emitter);
                return r;
            });
            room.openOnce();
            emitter.onTermination(() -> rooms.computeIfPresent(streamId, (id, r) -> {
                r.subscribers.remove(emitter);
                if (r.subscribers.isEmpty()) {
                    r.close();
                    return null;
                }
                return r;
            }));
            startTicker();
        });
        return multi.onOverflow().buffer(SUBSCRIBER_BUFFER).onOverflow().drop();
    }

    /** Rooms open on this instance (tests). */
    public int rooms() {
        return rooms.size();
    }

    private synchronized void startTicker() {
        if (ticker == null) {
            ticker = vertx.setPeriodic(TICK_MS, id -> {
                Instant endedBefore = clock.instant().minus(grace);
                rooms.values().forEach(r -> r.tick(endedBefore));
            });
        }
    }

    private final class Room {
        final UUID streamId;
        final Set<MultiEmitter<? super Activity>> subscribers = ConcurrentHashMap.newKeySet();
        private final Combos combos = new Combos(window);
        private final Set<String> seen = new LinkedHashSet<>();
        /** The goals of the last read (the stream's newest, StreamGoals.ofStream): one that left it never comes back. */
        private final Map<UUID, StreamGoals.Goal> goalsSeen = new HashMap<>();
        /** Whether one of them is active (a gift then asks for their progress). */
        private boolean goalActive;
        private List<GiftEvent> beforeSeed = new ArrayList<>();
        private boolean opened;
        private boolean closed;
        private boolean goalRefreshPending;
        private boolean goalsLoaded;
        private Matches.Match match;
        /** The invitations of this stream waiting for their answer that its audience has been told of (MATCH_INVITED). */
        private final java.util.Set<UUID> invitationsTold = new java.util.HashSet<>();
        private boolean matchLoaded;
        private boolean matchReading;
        private long matchReadAt;
        private Cancellable feed;

        Room(UUID streamId) {
            this.streamId = streamId;
        }

        /** Whether the match this room follows (running, or an invitation) is with {@code stream}. */
        synchronized boolean playsWith(UUID stream) {
            return match != null && (stream.equals(match.inviterStream()) || stream.equals(match.inviteeStream()));
        }

        synchronized void openOnce() {
            if (opened) {
                return;
            }
            opened = true;
            feed = gifts.stream(streamId).subscribe().with(this::onGift, e -> LOG.debugf("Gift feed of %s ended: %s", streamId, e));
            events.latest(streamId, SEED_GIFTS).subscribe().with(this::seeded, e -> seeded(List.of()));
            loadGoals();
            loadMatch();
        }

        synchronized void rename(String senderId, String name) {
            combos.rename(senderId, name);
        }

        synchronized void close() {
            closed = true;
            if (feed != null) {
                feed.cancel();
            }
        }

        /**
         * The stream's recent gifts, in order, make the combos as an instance that watched them all made them (a streak
         * that began before this room opened keeps its id and count); the ones whose window has closed since end quietly
         * (their end was told where they were watched).
         */
        private synchronized void seeded(List<GiftEvent> recent) {
            List<GiftEvent> pending = beforeSeed;
            beforeSeed = null;
            for (GiftEvent e : recent) {
                remember(e);
                combos.add(gift(e));
            }
            combos.endBefore(clock.instant().minus(grace));
            pending.forEach(this::onGift);
        }

        private synchronized void onGift(GiftEvent e) {
            if (closed || e.acknowledgedAt() != null) {
                return; // (a thank-you republishes the gift: not a new gift)
            }
            if (beforeSeed != null) {
                beforeSeed.add(e);
                return;
            }
            if (!remember(e)) {
                return;
            }
            for (Combos.Combo c : combos.add(gift(e))) {
                emit(new Activity(c.ended() ? Kind.COMBO_ENDED : Kind.COMBO, streamId, c, null, null, e.createdAt()));
            }
            if (goalActive) {
                refreshSoon();
            }
        }

        private boolean remember(GiftEvent e) {
            if (!seen.add(e.id())) {
                return false;
            }
            if (seen.size() > 4 * SEED_GIFTS) {
                var it = seen.iterator();
                it.next();
                it.remove();
            }
            return true;
        }

        synchronized void tick(Instant endedBefore) {
            if (match != null && match.status() == Matches.Status.RUNNING && !matchReading
                    && System.nanoTime() - matchReadAt > MATCH_REFRESH_MS * 1_000_000) {
                loadMatch();
            }
            if (beforeSeed != null || combos.isEmpty()) {
                return;
            }
            for (Combos.Combo c : combos.endBefore(endedBefore)) {
                emit(new Activity(Kind.COMBO_ENDED, streamId, c, null, null, clock.instant()));
            }
        }

        synchronized void refreshSoon() {
            if (goalRefreshPending || closed) {
                return;
            }
            goalRefreshPending = true;
            vertx.setTimer(GOAL_REFRESH_MS, id -> {
                synchronized (this) {
                    goalRefreshPending = false;
                }
                loadGoals();
                loadMatch();
            });
        }

        private synchronized void loadMatch() {
            if (closed || matchReading) {
                return;
            }
            matchReading = true;
            matchReadAt = System.nanoTime();
            Matches.Match known = match;
            // A running match is followed to its end. An open invitation is followed too, but a match of the stream that
            // started meanwhile (with someone else) takes its place: the audience sees the match being played.
            Uni<Optional<Matches.Match>> read;
            if (known == null) {
                read = matches.current(streamId);
            } else if (known.status() == Matches.Status.RUNNING) {
                read = matches.byId(known.id());
            } else {
                read = matches.byId(known.id()).flatMap(k -> k.isPresent() && k.get().status() == Matches.Status.INVITED
                        ? matches.current(streamId).map(c -> c.isPresent() && c.get().status() == Matches.Status.RUNNING ? c : k)
                        : Uni.createFrom().item(k));
            }
            // every waiting invitation is told once, not only the one followed (a second one, or one received while this
            // stream's own waited, was never announced: the invited creator's studio never showed it); not read while a
            // running match is refreshed for its score
            Uni<List<Matches.Match>> waiting = known != null && known.status() == Matches.Status.RUNNING ? Uni.createFrom().nullItem()
                    : matches.waitingInvitations(streamId);
            read.flatMap(found -> waiting.map(invitations -> {
                tellInvitations(invitations);
                return found;
            })).subscribe().with(this::matchRead, e -> {
                synchronized (this) {
                    matchReading = false;
                }
                LOG.warnf("Match of stream %s could not be read: %s", streamId, e.getMessage());
            });
        }

        /** Announces each waiting invitation not told yet (all of them only noted on the room's first read). */
        private synchronized void tellInvitations(List<Matches.Match> invitations) {
            if (invitations == null || closed) {
                return;
            }
            java.util.Set<UUID> open = new java.util.HashSet<>();
            for (Matches.Match m : invitations) {
                open.add(m.id());
                if (invitationsTold.add(m.id()) && matchLoaded && (match == null || !match.id().equals(m.id()))) {
                    emit(new Activity(Kind.MATCH_INVITED, streamId, null, null, m, clock.instant()));
                }
            }
            invitationsTold.retainAll(open);
        }

        private synchronized void matchRead(Optional<Matches.Match> found) {
            matchReading = false;
            boolean announce = matchLoaded;
            matchLoaded = true;
            Matches.Match before = match;
            Matches.Match now = found.orElse(null);
            boolean open = now != null && (now.status() == Matches.Status.INVITED || now.status() == Matches.Status.RUNNING);
            match = open ? now : null;
            if (!announce || now == null) {
                if (!open && before != null) {
                    loadMatch(); // (the known one is gone: look for a newer one)
                }
                return;
            }
            Instant at = clock.instant();
            boolean fresh = before == null || !before.id().equals(now.id());
            if (fresh && now.status() == Matches.Status.INVITED && invitationsTold.add(now.id())) {
                emit(new Activity(Kind.MATCH_INVITED, streamId, null, null, now, at));
            }
            if (now.status() != Matches.Status.INVITED && (fresh || before.status() == Matches.Status.INVITED) && now.startedAt() != null) {
                emit(new Activity(Kind.MATCH_STARTED, streamId, null, null, now, now.startedAt()));
            }
            if (!fresh && (before.inviterScore() != now.inviterScore() || before.inviteeScore() != now.inviteeScore())) {
                emit(new Activity(Kind.MATCH_SCORE, streamId, null, null, now, at));
            }
            if (!open) {
                emit(new Activity(Kind.MATCH_ENDED, streamId, null, null, now, now.finishedAt() == null ? at : now.finishedAt()));
                loadMatch(); // (another invitation may be waiting, or a match running: follow it)
            }
        }

        private void loadGoals() {
            goals.ofStream(streamId).subscribe().with(this::goalsRead,
                    e -> LOG.warnf("Goals of stream %s could not be read: %s", streamId, e.getMessage()));
        }

        private synchronized void goalsRead(List<StreamGoals.Goal> now) {
            boolean announce = goalsLoaded;
            goalsLoaded = true;
            Instant at = clock.instant();
            for (StreamGoals.Goal g : now) {
                StreamGoals.Goal before = goalsSeen.put(g.id(), g);
                // (a goal first seen already ended is no news: an old one back in the read, once a newer one ended)
                if (!announce || before == null && g.endedAt() != null) {
                    continue;
                }
                if (before == null) {
                    emit(new Activity(Kind.GOAL_SET, streamId, null, g, null, at));
                    if (g.progress() > 0) {
                        emit(new Activity(Kind.GOAL_PROGRESS, streamId, null, g, null, at));
                    }
                } else if (before.progress() != g.progress()) {
                    emit(new Activity(Kind.GOAL_PROGRESS, streamId, null, g, null, at));
                }
                if (g.reachedAt() != null && (before == null || before.reachedAt() == null)) {
                    emit(new Activity(Kind.GOAL_REACHED, streamId, null, g, null, g.reachedAt()));
                }
                if (g.endedAt() != null && (before == null || before.endedAt() == null)) {
                    emit(new Activity(Kind.GOAL_ENDED, streamId, null, g, null, g.endedAt()));
                }
            }
            // (a room open for hours of goals set and ended keeps only the read's: never every goal it has seen)
            goalsSeen.keySet().retainAll(now.stream().map(StreamGoals.Goal::id).collect(java.util.stream.Collectors.toSet()));
            goalActive = now.stream().anyMatch(StreamGoals.Goal::active);
        }

        private void emit(Activity a) {
            subscribers.forEach(s -> s.emit(a));
        }

        /** A gift as combos take it; a named gift of a person erased since it committed carries their pseudonym. */
        private Combos.Gift gift(GiftEvent e) {
            String name = e.anonymous() ? e.senderName() : erased.pseudonymOf(e.senderId()).orElse(e.senderName());
            return new Combos.Gift(e.id(), e.senderId(), name, e.anonymous(), e.giftId(), e.coins(), e.quantity(), e.createdAt());
        }
    }
}
