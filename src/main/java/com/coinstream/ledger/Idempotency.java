package com.coinstream.ledger;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.coinstream.domain.ErrorCode;
import com.coinstream.domain.Refusal;
import com.coinstream.domain.Text;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Idempotency keys for money-moving mutations, enforced by the database's unique (caller, key).
 * Claiming inside the operation's transaction means a rolled-back attempt leaves no key behind, and a
 * racing twin waits on the unique index until the first commits, then replays its result.
 */
@ApplicationScoped
public class Idempotency {
    public static final int MAX_KEY_LENGTH = 255;

    public enum Outcome {
        /** First use of the key: go ahead, the result id is reserved. */
        NEW,
        /** Same key, same request: return the original result, do nothing. */
        REPLAY
    }

    public record Claim(Outcome outcome, UUID resultId) {
    }

    /** Refuses keys that are empty, too long or contain control characters. */
    public static String validKey(String key) {
        if (key == null || key.isBlank() || key.codePointCount(0, key.length()) > MAX_KEY_LENGTH || !Text.printable(key, false)) {
            throw new Refusal(ErrorCode.INVALID_INPUT,
                    "idempotencyKey must be 1-" + MAX_KEY_LENGTH + " printable characters (a UUID is recommended)",
                    "input", "idempotencyKey");
        }
        return key;
    }

    /** A stable digest of an operation and its inputs, to tell a replay from a reuse. */
    public static String fingerprint(String operation, Object... parts) {
        StringBuilder canonical = new StringBuilder(operation);
        for (Object part : parts) {
            String value = String.valueOf(part);
            canonical.append('\u001f').append(value.length()).append(':').append(value);
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Claim {@code key} for {@code ownerId} inside {@code tx}. Refuses with IDEMPOTENCY_KEY_REUSED when the key
     * was used for a different request.
     */
    public Uni<Claim> claim(SqlClient tx, String ownerId, String key, String operation, String requestHash, UUID resultId,
            Instant at) {
        return tx.preparedQuery("""
                insert into idempotency_key (owner_id, key, operation, request_hash, result_id, created_at)
                values ($1, $2, $3, $4, $5, $6)
                on conflict (owner_id, key) do nothing
                returning result_id
                """)
                .execute(Tuple.of(ownerId, key, operation, requestHash, resultId, OffsetDateTime.ofInstant(at, ZoneOffset.UTC)))
                .flatMap(inserted -> inserted.iterator().hasNext()
                        ? Uni.createFrom().item(new Claim(Outcome.NEW, resultId))
                        : previous(tx, ownerId, key, operation, requestHash).map(Optional::orElseThrow));
    }

    /**
     * The earlier use of {@code key} by {@code ownerId}: empty if unused, a REPLAY of the same request, or a
     * refusal with IDEMPOTENCY_KEY_REUSED when it was used for a different request.
     */
    public Uni<Optional<Claim>> previous(SqlClient client, String ownerId, String key, String operation,
            String requestHash) {
        return client.preparedQuery("select operation, request_hash, result_id from idempotency_key where owner_id = $1 and key = $2")
                .execute(Tuple.of(ownerId, key))
                .map(rows -> {
                    if (!rows.iterator().hasNext()) {
                        return Optional.empty();
                    }
                    Row row = rows.iterator().next();
                    if (!operation.equals(row.getString("operation")) || !requestHash.equals(row.getString("request_hash"))) {
                        throw new Refusal(ErrorCode.IDEMPOTENCY_KEY_REUSED,
                                "This idempotencyKey was already used for a different request", "input", "idempotencyKey");
                    }
                    return Optional.of(new Claim(Outcome.REPLAY, row.getUUID("result_id")));
                });
    }
}
