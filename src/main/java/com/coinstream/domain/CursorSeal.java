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
 * the tag check instead of reading a random row. Pure logic: the key comes from the caller.
 */
public final class CursorSeal {
    private static final byte[] TAG = { 'c', 's', '2', 0, 0, 0, 0, 0 };
    private final SecretKeySpec key;

    /** {@code secret}: the deployment's random bytes; the AES key is derived from them. */
    public CursorSeal(byte[] secret) {
        try {
            this.key = new SecretKeySpec(Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(secret), 16), "AES");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    public String seal(long position) {
        byte[] block = ByteBuffer.allocate(16).put(TAG).putLong(position).array();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(run(Cipher.ENCRYPT_MODE, block));
    }

    /** The position in a cursor, or -1 when it is not a cursor sealed with this key. */
    public long open(String cursor) {
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
        byte[] tag = new byte[TAG.length];
        block.get(tag);
        return Arrays.equals(tag, TAG) ? block.getLong() : -1;
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
