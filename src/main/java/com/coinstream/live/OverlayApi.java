package com.coinstream.live;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.GraphQLApi;
import org.eclipse.microprofile.graphql.Id;
import org.eclipse.microprofile.graphql.Input;
import org.eclipse.microprofile.graphql.Mutation;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Query;
import org.eclipse.microprofile.graphql.Type;

import com.coinstream.domain.UserError;
import com.coinstream.graphql.ApiSecurity;
import com.coinstream.graphql.PersonText;
import com.coinstream.graphql.Payloads;
import com.coinstream.identity.CurrentCaller;
import com.coinstream.identity.Role;

import io.smallrye.mutiny.Uni;

/** The stream overlay's read-only keys. */
@GraphQLApi
@ApiSecurity
public class OverlayApi {
    private final CurrentCaller caller;
    private final OverlayKeys keys;
    private final Payloads payloads;

    public OverlayApi(CurrentCaller caller, OverlayKeys keys, Payloads payloads) {
        this.caller = caller;
        this.keys = keys;
        this.payloads = payloads;
    }

    @Mutation("createOverlayKey")
    @Description("Creators: a read-only key for your stream overlay (/overlay/{streamId}?key=...). The key is in this answer only; store it in your streaming software.")
    @RolesAllowed(Role.CREATOR)
    public Uni<@NonNull CreateOverlayKeyPayload> createOverlayKey(@NonNull CreateOverlayKeyInput input) {
        return payloads.orRefusal(caller.get().flatMap(c -> Payloads.guarded(() -> keys.create(c, input.label)))
                .map(k -> new CreateOverlayKeyPayload(k.overlayKey(), k.key(), List.of())),
                e -> new CreateOverlayKeyPayload(null, null, List.of(e)));
    }

    @Mutation("revokeOverlayKey")
    @Description("Creators: revoke one of your overlay keys. Overlays using it stop at once, on every instance.")
    @RolesAllowed(Role.CREATOR)
    public Uni<@NonNull OverlayKeyPayload> revokeOverlayKey(@NonNull RevokeOverlayKeyInput input) {
        return payloads.orRefusal(caller.get().flatMap(c -> Payloads.guarded(() -> keys.revoke(c, input.overlayKeyId)))
                .map(k -> new OverlayKeyPayload(k, List.of())), e -> new OverlayKeyPayload(null, List.of(e)));
    }

    @Query("overlayKeys")
    @Description("Creators: your overlay keys, newest first (the keys themselves are never shown again).")
    @RolesAllowed(Role.CREATOR)
    public Uni<@NonNull List<@NonNull OverlayKey>> overlayKeys() {
        return caller.get().flatMap(keys::of);
    }

    @Input("CreateOverlayKeyInput")
    public static class CreateOverlayKeyInput {
        @PersonText(max = 64)
        @NonNull
        @Description("A name to tell keys apart, e.g. \"OBS desktop\".")
        public String label;
    }

    @Input("RevokeOverlayKeyInput")
    public static class RevokeOverlayKeyInput {
        @NonNull
        @Id
        public String overlayKeyId;
    }

    @Type("CreateOverlayKeyPayload")
    public record CreateOverlayKeyPayload(OverlayKey overlayKey,
            @Description("The key itself, shown this once: only a hash is kept.") String key,
            @NonNull List<@NonNull UserError> userErrors) {
    }

    @Type("OverlayKeyPayload")
    public record OverlayKeyPayload(OverlayKey overlayKey, @NonNull List<@NonNull UserError> userErrors) {
    }
}
