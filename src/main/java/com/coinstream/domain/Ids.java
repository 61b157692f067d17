package com.coinstream.domain;

import java.util.Optional;
import java.util.UUID;

/** Ids as clients send them: opaque strings that are UUIDs inside. */
public final class Ids {
    private Ids() {
    }

    /** The UUID in {@code value}; empty when it is not one (so it names nothing). */
    public static Optional<UUID> parse(String value) {
        if (value == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(UUID.fromString(value));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The UUID in {@code value}, or the refusal NOT_FOUND with {@code message}: an id that is not one of ours names nothing. */
    public static UUID require(String value, String message, String... field) {
        return parse(value).orElseThrow(() -> new Refusal(ErrorCode.NOT_FOUND, message, field));
    }

    /**
     * {@code value} in the one spelling of the id it names (a UUID lower-case, hyphenated), or as it is when it names no
     * UUID: for what must not depend on how a client spelled an id (an idempotency fingerprint, a limit's key).
     */
    public static String canonical(String value) {
        return parse(value).map(UUID::toString).orElse(value);
    }
}
