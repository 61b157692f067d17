package com.coinstream.live;

import java.time.Instant;
import java.util.UUID;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.Id;
import org.eclipse.microprofile.graphql.Ignore;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

@Type("OverlayKey")
@Description("A read-only key for a creator's stream overlay (a browser source in streaming software): it reads the creator's stream events and nothing else. The key itself is shown once, when created.")
public record OverlayKey(
        @Ignore UUID uuid,
        @Ignore String creatorId,
        @Id @NonNull String id,
        @NonNull String label,
        @NonNull @Description("The key's last characters, to tell keys apart.") String hint,
        @NonNull Instant createdAt,
        @Description("When it was revoked; a revoked key reads nothing.") Instant revokedAt) {
}
