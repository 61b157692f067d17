package com.coinstream.domain;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;

import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * A row position sealed into an opaque cursor: one AES block (an 8-byte tag, then the position) under a
 * deployment's key, so a cursor tells nobody how many rows exist, and a cursor not sealed with this key fails
 * the tag check instead of reading a random row. The tag names the list the cursor belongs to (5 bytes of its name's
 * SHA-256), so a cursor of one list is refused by every other: a position of one list read as another's (a match's
 * number as a leaderboard's offset, whose ranks would then show it) would tell what cursors must not. Pure logic: the
 * key comes from the caller.
 */
public final class CursorSeal {
    private static final byte[] VERSION = { 'c', 's', '3' };
    private final SecretKeySpec key;

    /** {@code secret}: the deployment's random bytes; the AES key is derived from them. */
    public CursorSeal(byte[] secret) {
        try {
            this.key = new SecretKeySpec(Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(secret), 16), "AES");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    public String seal(String list, long position) {
        byte[] block = ByteBuffer.allocate(16).put(tag(list)).putLong(position).array();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(run(Cipher.ENCRYPT_MODE, block));
    }

    /** The position in a cursor of {@code list}, or -1 when it is not a cursor of that list sealed with this key. */
    public long open(String list, String cursor) {
        byte[] sealed;
        try {
            sealed = Base64.getUrlDecoder().decode(cursor);
        } catch (IllegalArgumentException e) {
            return -1;
        }
        if (sealed.length != 16) {
            return -1;
        }
        ByteBuffer block = ByteBuffer.wrap(run(Cipher.DECRYPT_MODE, sealed));
        byte[] tag = new byte[8];
        block.get(tag);
        return Arrays.equals(tag, tag(list)) ? block.getLong() : -1;
    }

    private static byte[] tag(String list) {
        try {
            byte[] name = MessageDigest.getInstance("SHA-256").digest(list.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return ByteBuffer.allocate(8).put(VERSION).put(name, 0, 5).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    private byte[] run(int mode, byte[] block) {
        try {
            // One block, no chaining needed: ECB on a single 16-byte block is a plain block-cipher call.
            Cipher cipher = Cipher.getInstance("AES/ECB/NoPadding");
            cipher.init(mode, key);
            return cipher.doFinal(block);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES unavailable", e);
        }
    }
}
