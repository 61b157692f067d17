package com.coinstream.identity;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.GraphQLApi;
import org.eclipse.microprofile.graphql.Id;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Query;
import org.eclipse.microprofile.graphql.Type;

import com.coinstream.graphql.ApiSecurity;
import io.smallrye.mutiny.Uni;

@GraphQLApi
@ApiSecurity
public class MeApi {
    private final CurrentCaller caller;

    public MeApi(CurrentCaller caller) {
        this.caller = caller;
    }

    @Query("me")
    @Description("The caller, as the verified token describes them.")
    @RolesAllowed({ Role.VIEWER, Role.CREATOR, Role.ADMIN })
    public Uni<@NonNull Me> me() {
        return caller.get().map(c -> new Me(c.userId(), c.displayName(), c.region(),
                c.roles().stream().sorted().toList(), c.birthdate().isPresent(), c.zone().getId()));
    }

    @Type("Me")
    public record Me(@Id @NonNull String id, @NonNull String displayName, @NonNull String region,
            @NonNull List<@NonNull String> roles,
            @Description("Whether the token carries a birthdate (age-restricted actions need one).") boolean ageVerified,
            @Description("IANA time zone used for calendar periods (token claim zoneinfo, default UTC).") @NonNull String timeZone) {
    }
}
