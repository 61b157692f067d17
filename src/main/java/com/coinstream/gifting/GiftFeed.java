package com.coinstream.gifting;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.coinstream.catalogue.Gift;
import com.coinstream.events.ClusterEvents;
import com.coinstream.events.LocalSubscribers;
import com.coinstream.identity.ErasedAccounts;
import com.coinstream.wallet.WalletFeed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;

/**
 * Fans committed gifts out to subscribers of each stream. Gifts arrive through PostgreSQL NOTIFY
 * (sent in the gift's own transaction, so only committed gifts are published, whichever instance took
 * them). A subscriber that disconnects is removed at once; a slow one drops events rather than buffering.
 */
@ApplicationScoped
public class GiftFeed {
    private static final Logger LOG = Logger.getLogger(GiftFeed.class);
    private static final int SUBSCRIBER_BUFFER = 512;
    private final LocalSubscribers<UUID, GiftEvent> subscribers = new LocalSubscribers<>();
    /** Events per NOTIFY payload at most (and {@link ClusterEvents#MAX_PAYLOAD_BYTES} bytes). */
    private static final int EVENTS_PER_NOTIFY = 16;
    private final ObjectMapper json;
    private final ClusterEvents events;
    private final WalletFeed wallets;
    private final ErasedAccounts erased;

    public GiftFeed(ClusterEvents events, ObjectMapper json, WalletFeed wallets, ErasedAccounts erased) {
        this.json = json;
        this.events = events;
        this.wallets = wallets;
        this.erased = erased;
        events.on(ClusterEvents.GIFTS, this::publish);
    }

    /**
     * Announce committed gifts to every instance: to the streams' feeds, and to the senders'
     * {@code walletChanged} subscriptions. Best effort: the gifts are already durable.
     */
    public void announce(List<GiftCommand> commands, List<GiftOutcome> outcomes) {
        List<String> notices = new ArrayList<>();
        Set<String> senders = new HashSet<>();
        for (int i = 0; i < commands.size(); i++) {
            GiftOutcome o = outcomes.get(i);
            if (o.kind() != GiftOutcome.Kind.SENT) {
                continue;
            }
            GiftCommand c = commands.get(i);
            senders.add(c.senderId());
            ObjectNode n = json.createObjectNode();
            n.put("id", c.eventId().toString()).put("streamId", c.streamId().toString()).put("sequence", o.streamSeq())
                    .put("giftId", c.gift().uuid().toString())
                    .put("giftName", c.gift().name()).put("unitCoins", c.gift().coins()).put("quantity", c.quantity())
                    .put("coins", c.split().coins()).put("senderName", o.anonymous() ? GiftingService.ANONYMOUS : c.senderName())
                    // an anonymous gift's sender is in no gift notice: no instance needs it (anonymous gifts share one combo).
                    // (The wallet notice sent with it names every sender whose wallet changed, so a database role that may
                    // LISTEN can still tie a batch's one anonymous gift to a sender: the database's roles are the operators'.)
                    .put("senderId", o.anonymous() ? "" : c.senderId()).put("anonymous", o.anonymous()).put("streamTotal", o.streamTotalCoins())
                    .put("createdAt", o.createdAt().toString());
            notices.add(n.toString());
        }
        // (by bytes as well as by count: a name may take 20 UTF-16 units a character, Text.cleanedLine)
        List<String> payloads = ClusterEvents.packed(notices, EVENTS_PER_NOTIFY);
        // One statement for both channels: a batch costs one notification round trip.
        events.publish(Map.of(ClusterEvents.GIFTS, payloads, ClusterEvents.WALLETS, wallets.payloads(senders))).subscribe().with(v -> { },
                e -> LOG.warnf("Gift notifications failed (gifts are committed; live animations and wallet updates are lost): %s",
                        e.getMessage()));
    }

    public Multi<GiftEvent> stream(UUID streamId) {
        return subscribers.subscribe(streamId).onOverflow().buffer(SUBSCRIBER_BUFFER).onOverflow().drop();
    }

    /**
     * The stream's events after sequence {@code after}: first those already committed ({@code missed}, read once this
     * subscription is live, so a gift committed while it was being set up is in one or the other), then the live feed
     * exactly as {@link #stream} gives it (a thanked gift comes again, with its {@code acknowledgedAt}). A live event that
     * arrives during the read waits for it (at most the subscriber's buffer); one the read already gave is left out
     * whenever it arrives ({@link #caughtUp}).
     */
    public Multi<GiftEvent> streamAfter(UUID streamId, long after, Uni<List<GiftEvent>> missed) {
        return caughtUp(stream(streamId), after, missed).onOverflow().buffer(SUBSCRIBER_BUFFER).onOverflow().drop();
    }

    /**
     * {@code live} after the read {@code missed}, each publication once: a live event is left out when the read gave it (a
     * gift committed before the read whose notice, sent after its commit, lands after the read: before or after the read
     * ended), and when it is at or before {@code after} and not a thanks (a notice that one instance's listener took late,
     * of a gift the client had already read). The read's publications (at most a page) are kept for the subscription's life.
     */
    static Multi<GiftEvent> caughtUp(Multi<GiftEvent> live, long after, Uni<List<GiftEvent>> missed) {
        return Multi.createFrom().<GiftEvent>emitter(out -> {
            Object lock = new Object();
            List<GiftEvent> early = new ArrayList<>();
            Set<String> read = new HashSet<>();
            boolean[] caughtUp = { false };
            boolean[] ended = { false };
            Cancellable[] running = new Cancellable[2];
            out.onTermination(() -> {
                for (Cancellable c : running) {
                    if (c != null) {
                        c.cancel();
                    }
                }
            });
            running[0] = live.subscribe().with(e -> {
                synchronized (lock) {
                    if (caughtUp[0]) {
                        if (news(e, after, read)) {
                            out.emit(e);
                        }
                    } else if (early.size() < SUBSCRIBER_BUFFER) {
                        early.add(e); // beyond: dropped, as a slow subscriber's are (the client sees the gap)
                    }
                }
            }, out::fail, () -> {
                synchronized (lock) {
                    if (caughtUp[0]) {
                        out.complete();
                    } else {
                        ended[0] = true; // the read still comes first
                    }
                }
            });
            running[1] = missed.subscribe().with(list -> {
                synchronized (lock) {
                    for (GiftEvent e : list) {
                        if (e.sequence() > after) {
                            read.add(version(e));
                            out.emit(e);
                        }
                    }
                    for (GiftEvent e : early) {
                        if (news(e, after, read)) {
                            out.emit(e);
                        }
                    }
                    early.clear();
                    caughtUp[0] = true;
                    if (ended[0]) {
                        out.complete();
                    }
                }
            }, out::fail);
        });
    }

    /** Whether a live event is news to a client that read up to {@code after} and then {@code read}. */
    private static boolean news(GiftEvent e, long after, Set<String> read) {
        return (e.sequence() > after || e.acknowledgedAt() != null) && !read.contains(version(e));
    }

    /** One publication of an event: the same gift thanked later is another. */
    private static String version(GiftEvent e) {
        return e.id() + "@" + e.acknowledgedAt();
    }

    /** Number of live subscriptions (for tests and metrics). */
    public int subscriberCount() {
        return subscribers.size();
    }

    void publish(String payload) {
        if (subscribers.isEmpty()) {
            return; // nobody watches a stream on this instance: nothing to read
        }
        try {
            JsonNode array = json.readTree(payload);
            for (JsonNode node : array) {
                UUID streamId = UUID.fromString(node.get("streamId").asText());
                if (subscribers.watched(streamId)) {
                    subscribers.emit(streamId, parse(node));
                }
            }
        } catch (Exception e) {
            LOG.warnf("Unreadable gift notification dropped: %s", e.getMessage());
        }
    }

    /**
     * The event as the room sees it. The notification goes out after the gift's commit, so an erasure waiting on the
     * sender's lock can commit first: a named gift of a person erased by now carries their pseudonym, as combos do.
     */
    private GiftEvent parse(JsonNode n) {
        UUID streamId = UUID.fromString(n.get("streamId").asText());
        JsonNode ack = n.get("acknowledgedAt");
        String senderId = n.path("senderId").asText("");
        boolean anonymous = n.path("anonymous").asBoolean(false);
        String senderName = anonymous ? n.get("senderName").asText() : erased.pseudonymOf(senderId).orElse(n.get("senderName").asText());
        return new GiftEvent(streamId, UUID.fromString(n.get("giftId").asText()), n.get("giftName").asText(),
                n.get("unitCoins").asLong(), senderId, anonymous, n.get("id").asText(),
                streamId.toString(), n.get("sequence").asLong(), n.get("quantity").asInt(),
                n.get("coins").asLong(), senderName, n.get("streamTotal").asLong(),
                Instant.parse(normalise(n.get("createdAt").asText())),
                ack == null || ack.isNull() ? null : Instant.parse(normalise(ack.asText())));
    }

    /** PostgreSQL's JSON timestamps look like 2026-11-26T23:50:01.123456+00:00. */
    private static String normalise(String timestamp) {
        return OffsetDateTime.parse(timestamp).toInstant().toString();
    }
}
