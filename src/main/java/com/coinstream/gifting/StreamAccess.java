package com.coinstream.gifting;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.coinstream.domain.NotFound;
import com.coinstream.identity.CurrentCaller;
import com.coinstream.identity.ErasedAccounts;
import com.coinstream.identity.Role;
import com.coinstream.live.OverlayKeys;
import com.coinstream.live.StreamDirectory;

import io.quarkus.security.ForbiddenException;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Who may read a stream's gift events: anyone signed in (viewer, creator or admin), or an overlay with a read-only
 * key of the stream's creator. A subscription completes when the stream ends; an overlay's ends as soon as its key is revoked;
 * a person's, when they are erased.
 */
@ApplicationScoped
public class StreamAccess {
    private final CurrentCaller caller;
    private final StreamDirectory streams;
    private final OverlayKeys keys;

    /** The reader of a stream: a signed-in caller (their id), an overlay key, or both (a signed-in person reading by a key). */
    public record Reader(String userId, UUID overlayKeyId, UUID streamId, boolean live) {
    }

    private final ErasedAccounts erased;

    public StreamAccess(CurrentCaller caller, StreamDirectory streams, OverlayKeys keys, ErasedAccounts erased) {
        this.erased = erased;
        this.caller = caller;
        this.streams = streams;
        this.keys = keys;
    }

    /** Who reads the stream; NOT_FOUND when there is no such stream, FORBIDDEN when the caller or key may not read it. */
    public Uni<Reader> check(UUID streamId, String overlayKey) {
        if (overlayKey == null) {
            return caller.get().flatMap(c -> {
                if (!c.hasRole(Role.VIEWER) && !c.hasRole(Role.CREATOR) && !c.hasRole(Role.ADMIN)) {
                    throw new ForbiddenException();
                }
                return existing(streamId).map(stream -> new Reader(c.userId(), null, streamId, stream.live()));
            });
        }
        // (a signed-in person who reads by a key is still that person: their subscription ends with their erasure too)
        String signedIn = caller.optional().map(c -> c.userId()).orElse(null);
        return existing(streamId).flatMap(stream -> keys.authorize(overlayKey, stream.creatorId())
                // (a key refused is FORBIDDEN; a fault while checking it, a pool timeout, stays the fault it is: never told to an
                // overlay as a revoked key)
                .onFailure(com.coinstream.domain.Refusal.class).transform(e -> new ForbiddenException())
                .map(key -> new Reader(signedIn, key, streamId, stream.live())));
    }

    /** The stream, or NOT_FOUND when there is no such stream. */
    public Uni<StreamDirectory.StreamInfo> existing(UUID streamId) {
        return streams.find(streamId).map(stream -> stream.orElseThrow(() -> new NotFound("No such live stream")));
    }

    /**
     * {@code events} as this reader may see them: a live stream's complete {@code grace} after it ends (what the end
     * brings comes first; an ended stream's events are whatever the caller chose, and complete by themselves), an
     * overlay's stop when its key is revoked, a person's when they are erased.
     */
    public <T> Multi<T> follow(Reader reader, java.time.Duration grace, Multi<T> events) {
        Multi<T> live = reader.live() ? streams.whileLive(reader.streamId(), grace, events) : events;
        Multi<T> followed = reader.overlayKeyId() == null ? live : keys.whileValid(reader.overlayKeyId(), live);
        return reader.userId() == null ? followed : erased.endWhenErased(reader.userId(), followed);
    }
}
