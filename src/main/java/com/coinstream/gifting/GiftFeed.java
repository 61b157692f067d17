package com.coinstream.gifting;

import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.coinstream.events.ClusterEvents;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.MultiEmitter;

/**
 * Fans committed gifts out to subscribers of each stream. Gifts arrive through PostgreSQL NOTIFY
 * (sent in the gift's own transaction, so only committed gifts are published, whichever instance took
 * them). A subscriber that disconnects is removed at once; a slow one drops events rather than buffering.
 */
@ApplicationScoped
public class GiftFeed {
    private static final Logger LOG = Logger.getLogger(GiftFeed.class);
    private static final int SUBSCRIBER_BUFFER = 512;
    private final Map<UUID, Set<MultiEmitter<? super GiftEvent>>> subscribers = new ConcurrentHashMap<>();
    private final ObjectMapper json;

    public GiftFeed(ClusterEvents events, ObjectMapper json) {
        this.json = json;
        events.on(ClusterEvents.GIFTS, this::publish);
    }

    public Multi<GiftEvent> stream(UUID streamId) {
        Multi<GiftEvent> multi = Multi.createFrom().emitter(emitter -> {
            Set<MultiEmitter<? super GiftEvent>> set = subscribers.computeIfAbsent(streamId, id -> ConcurrentHashMap.newKeySet());
            set.add(emitter);
            emitter.onTermination(() -> {
                set.remove(emitter);
                subscribers.computeIfPresent(streamId, (id, s) -> s.isEmpty() ? null : s);
            });
        });
        return multi.onOverflow().buffer(SUBSCRIBER_BUFFER).onOverflow().drop();
    }

    /** Number of live subscriptions (for tests and metrics). */
    public int subscriberCount() {
        return subscribers.values().stream().mapToInt(Set::size).sum();
    }

    void publish(String payload) {
        try {
            JsonNode array = json.readTree(payload);
            for (JsonNode node : array) {
                GiftEvent event = parse(node);
                Set<MultiEmitter<? super GiftEvent>> set = subscribers.get(event.streamUuid());
                if (set != null) {
                    set.forEach(emitter -> emitter.emit(event));
                }
            }
        } catch (Exception e) {
            LOG.warnf("Unreadable gift notification dropped: %s", e.getMessage());
        }
    }

    private static GiftEvent parse(JsonNode n) {
        UUID streamId = UUID.fromString(n.get("streamId").asText());
        JsonNode ack = n.get("acknowledgedAt");
        return new GiftEvent(streamId, UUID.fromString(n.get("giftId").asText()), n.get("giftName").asText(),
                n.get("unitCoins").asLong(), n.get("id").asText(), streamId.toString(), n.get("quantity").asInt(),
                n.get("coins").asLong(), n.get("senderName").asText(), n.get("streamTotal").asLong(),
                Instant.parse(normalise(n.get("createdAt").asText())),
                ack == null || ack.isNull() ? null : Instant.parse(normalise(ack.asText())));
    }

    /** PostgreSQL's JSON timestamps look like 2026-11-26T23:50:01.123456+00:00. */
    private static String normalise(String timestamp) {
        return java.time.OffsetDateTime.parse(timestamp).toInstant().toString();
    }
}
