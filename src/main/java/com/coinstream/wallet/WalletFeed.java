package com.coinstream.wallet;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.coinstream.events.ClusterEvents;
import com.coinstream.events.LocalSubscribers;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.mutiny.Multi;

/**
 * Tells a user's {@code walletChanged} subscriptions, on any instance, that their wallet changed. The
 * notification carries only user ids, sent after the change committed; each subscription then reads
 * the wallet itself, so what it shows is always a committed, exact balance.
 */
@ApplicationScoped
public class WalletFeed {
    private static final Logger LOG = Logger.getLogger(WalletFeed.class);
    private final LocalSubscribers<String, Boolean> watchers = new LocalSubscribers<>();
    private final ClusterEvents events;
    private final ObjectMapper json;

    public WalletFeed(ClusterEvents events, ObjectMapper json) {
        this.events = events;
        this.json = json;
        events.on(ClusterEvents.WALLETS, this::received);
    }

    /** After commit: these users' wallets changed. Best effort; the change itself is durable. */
    public void changed(Collection<String> userIds) {
        events.publish(ClusterEvents.WALLETS, payloads(userIds)).subscribe().with(v -> { },
                e -> LOG.warnf("Wallet change notification failed (the change is committed): %s", e.getMessage()));
    }

    /** The {@link ClusterEvents#WALLETS} payloads announcing these users' changes, for a publisher sending several channels at once. */
    public List<String> payloads(Collection<String> userIds) {
        List<String> ids = new ArrayList<>(userIds.size());
        for (String userId : userIds) {
            ids.add(json.getNodeFactory().textNode(userId).toString());
        }
        return ClusterEvents.packed(ids, Integer.MAX_VALUE);
    }

    public void changed(String userId) {
        changed(List.of(userId));
    }

    /** A signal each time the user's wallet changes; a slow subscriber keeps only the latest. */
    public Multi<Boolean> changes(String userId) {
        return watchers.subscribe(userId).onOverflow().dropPreviousItems();
    }

    void received(String payload) {
        if (watchers.isEmpty()) {
            return;
        }
        try {
            for (JsonNode id : json.readTree(payload)) {
                watchers.emit(id.asText(), Boolean.TRUE);
            }
        } catch (Exception e) {
            LOG.warnf("Unreadable wallet notification dropped: %s", e.getMessage());
        }
    }
}
