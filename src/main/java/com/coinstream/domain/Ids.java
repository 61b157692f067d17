package com.coinstream.domain;

import java.util.Optional;
import java.util.UUID;

/** Ids as clients send them: opaque strings that are UUIDs inside. */
public final class Ids {
    private Ids() {
    }

    /**
     * The UUID in {@code value}; empty when it is not one (so it names nothing). Only the one written form is an id: 32 hex
     * digits in groups of 8-4-4-4-12 (either case). {@link UUID#fromString} alone would take shorter groups, signs and an
     * over-long first group whose high digits it drops, so another spelling would name the same thing.
     */
    public static Optional<UUID> parse(String value) {
        if (value == null || value.length() != 36) {
            return Optional.empty();
        }
        for (int i = 0; i < 36; i++) {
            char c = value.charAt(i);
            boolean ok = i == 8 || i == 13 || i == 18 || i == 23 ? c == '-' : java.util.HexFormat.isHexDigit(c);
            if (!ok) {
                return Optional.empty();
            }
        }
        return Optional.of(UUID.fromString(value));
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
