package com.coinstream.gifting;

import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.coinstream.domain.ErrorCode;
import com.coinstream.domain.Ids;
import com.coinstream.domain.Refusal;
import com.coinstream.events.ClusterEvents;
import com.coinstream.identity.Caller;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;

/** A creator thanks a gifter: recorded on the gift and published to the stream's feed again. */
@ApplicationScoped
public class GiftAcknowledgements {
    private final GiftEvents events;
    private final ClusterEvents cluster;
    private final ObjectMapper json;
    private final Clock clock;

    public GiftAcknowledgements(GiftEvents events, ClusterEvents cluster, ObjectMapper json, Clock clock) {
        this.events = events;
        this.cluster = cluster;
        this.json = json;
        this.clock = clock;
    }

    public Uni<GiftEvent> acknowledge(Caller creator, String giftEventId) {
        UUID id = Ids.parse(giftEventId).orElseThrow(GiftAcknowledgements::notFound);
        // published once, by the call that thanked it: a repeat (or 25 racing) puts no second event on the feed
        return events.acknowledge(creator.userId(), id, clock.instant())
                .map(found -> found.orElseThrow(GiftAcknowledgements::notFound))
                .call(done -> done.now() ? publish(done.event()) : Uni.createFrom().voidItem())
                .map(GiftEvents.Acknowledged::event);
    }

    private Uni<Void> publish(GiftEvent e) {
        Map<String, Object> payload = new HashMap<>();
        payload.put("id", e.id());
        payload.put("streamId", e.streamId());
        payload.put("sequence", e.sequence());
        payload.put("giftId", e.giftId().toString());
        payload.put("giftName", e.giftName());
        payload.put("unitCoins", e.unitCoins());
        payload.put("quantity", e.quantity());
        payload.put("coins", e.coins());
        payload.put("senderName", e.senderName());
        payload.put("senderId", e.anonymous() ? "" : e.senderId()); // an anonymous gift's sender is in no notice (GiftFeed)
        payload.put("anonymous", e.anonymous());
        payload.put("streamTotal", e.streamTotal());
        payload.put("createdAt", e.createdAt().toString());
        payload.put("acknowledgedAt", e.acknowledgedAt().toString());
        try {
            return cluster.publish(ClusterEvents.GIFTS, json.writeValueAsString(List.of(payload)));
        } catch (JsonProcessingException ex) {
            return Uni.createFrom().failure(ex);
        }
    }

    private static Refusal notFound() {
        return new Refusal(ErrorCode.NOT_FOUND, "No such gift event in your streams", "input", "giftEventId");
    }
}
