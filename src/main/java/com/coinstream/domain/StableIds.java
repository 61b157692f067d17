package com.coinstream.domain;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * Ids for objects that are views of a user's state (a wallet, earnings, a spending limit) rather than rows of their
 * own: stable, so a client's normalized cache (Apollo, urql graphcache) merges every answer about the same object,
 * and opaque (a hash), so they tell nothing.
 */
public final class StableIds {
    private StableIds() {
    }

    public static String of(String kind, String... parts) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(kind.getBytes(StandardCharsets.UTF_8));
            for (String part : parts) {
                digest.update((byte) 0);
                digest.update(part.getBytes(StandardCharsets.UTF_8));
            }
            return kind + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest.digest()).substring(0, 22);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
