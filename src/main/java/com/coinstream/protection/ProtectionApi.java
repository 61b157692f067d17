package com.coinstream.protection;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.GraphQLApi;
import org.eclipse.microprofile.graphql.Input;
import org.eclipse.microprofile.graphql.Mutation;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

import com.coinstream.api.ApiSecurity;
import com.coinstream.api.Payloads;
import com.coinstream.api.UserError;
import com.coinstream.identity.CurrentCaller;
import com.coinstream.identity.Role;

import io.smallrye.mutiny.Uni;

@GraphQLApi
@ApiSecurity
public class ProtectionApi {
    private final CurrentCaller caller;
    private final AccountHolds holds;

    public ProtectionApi(CurrentCaller caller, AccountHolds holds) {
        this.caller = caller;
        this.holds = holds;
    }

    @Mutation("placeHold")
    @Description("Admin: put an account on hold. It cannot purchase, send gifts or cash out until released.")
    @RolesAllowed(Role.ADMIN)
    public Uni<@NonNull HoldPayload> placeHold(@NonNull PlaceHoldInput input) {
        return Payloads.orRefusal(caller.get().flatMap(c -> Payloads.guarded(() -> holds.place(c, input.userId, input.reason)))
                .map(ok -> new HoldPayload(input.userId, true, List.of())), e -> new HoldPayload(input.userId, null, List.of(e)));
    }

    @Mutation("releaseHold")
    @Description("Admin: lift a hold.")
    @RolesAllowed(Role.ADMIN)
    public Uni<@NonNull HoldPayload> releaseHold(@NonNull ReleaseHoldInput input) {
        return Payloads.orRefusal(caller.get().flatMap(c -> Payloads.guarded(() -> holds.release(input.userId)))
                .map(ok -> new HoldPayload(input.userId, false, List.of())), e -> new HoldPayload(input.userId, null, List.of(e)));
    }

    @Input("PlaceHoldInput")
    public static class PlaceHoldInput {
        @NonNull
        public String userId;
        @NonNull
        public String reason;
    }

    @Input("ReleaseHoldInput")
    public static class ReleaseHoldInput {
        @NonNull
        public String userId;
    }

    @Type("HoldPayload")
    public record HoldPayload(@NonNull String userId, Boolean onHold, @NonNull List<@NonNull UserError> userErrors) {
    }
}
