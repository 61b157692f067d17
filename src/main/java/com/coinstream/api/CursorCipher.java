package com.coinstream.api;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;

import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Turns row positions into opaque cursors and back. A position is one AES block (an 8-byte tag, then
 * the position) under the deployment's key from {@code cursor_key}, so a cursor tells nobody how many
 * rows exist, and a cursor that was not made here fails the tag check instead of reading a random row.
 */
@ApplicationScoped
public class CursorCipher {
    private static final byte[] TAG = { 'c', 's', '2', 0, 0, 0, 0, 0 };
    private static volatile SecretKeySpec key;
    private final Pool pool;

    public CursorCipher(Pool pool) {
        this.pool = pool;
    }

    void loadKey(@Observes StartupEvent ignored) throws GeneralSecurityException {
        byte[] stored = pool.query("select key from cursor_key where id = 1").execute().await().indefinitely()
                .iterator().next().getBuffer("key").getBytes();
        key = new SecretKeySpec(Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(stored), 16), "AES");
    }

    static String encode(long position) {
        byte[] block = ByteBuffer.allocate(16).put(TAG).putLong(position).array();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(run(Cipher.ENCRYPT_MODE, block));
    }

    /** The position in a cursor, or -1 when it is not a cursor from this deployment. */
    static long decode(String cursor) {
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

    private static byte[] run(int mode, byte[] block) {
        SecretKeySpec current = key;
        if (current == null) {
            throw new IllegalStateException("cursor key not loaded yet");
        }
        try {
            // One block, no chaining needed: ECB on a single 16-byte block is a plain block-cipher call.
            Cipher cipher = Cipher.getInstance("AES/ECB/NoPadding");
            cipher.init(mode, current);
            return cipher.doFinal(block);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES unavailable", e);
        }
    }
}
