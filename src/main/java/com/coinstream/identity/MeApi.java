package com.coinstream.identity;

import java.time.Clock;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.GraphQLApi;
import org.eclipse.microprofile.graphql.Id;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Query;
import org.eclipse.microprofile.graphql.Type;

import com.coinstream.domain.PolicyConfig;
import com.coinstream.graphql.ApiSecurity;
import io.smallrye.mutiny.Uni;

@GraphQLApi
@ApiSecurity
public class MeApi {
    private final CurrentCaller caller;
    private final Clock clock;
    private final int adultAge;

    public MeApi(CurrentCaller caller, Clock clock, PolicyConfig policy) {
        this.caller = caller;
        this.clock = clock;
        this.adultAge = policy.adultAge();
    }

    @Query("me")
    @Description("The caller, as the verified token describes them (a token older than the newest one seen: with the newest one's name, region and age).")
    @RolesAllowed({ Role.VIEWER, Role.CREATOR, Role.ADMIN })
    public Uni<@NonNull Me> me() {
        return caller.get().map(c -> new Me(c.userId(), c.displayName(), c.region(),
                c.roles().stream().sorted().toList(), c.birthdate().isPresent(), c.isAdult(clock, adultAge), c.zone().getId()));
    }

    @Type("Me")
    public record Me(@Id @NonNull String id, @NonNull String displayName, @NonNull String region,
            @NonNull List<@NonNull String> roles,
            @Description("Whether the token carries a birthdate (age-restricted actions need one).") boolean ageVerified,
            @Description("Whether the verified age is at least the adult age: buying coins, sending gifts and cashing out need it.") boolean adult,
            @Description("IANA time zone used for calendar periods (token claim zoneinfo, default UTC).") @NonNull String timeZone) {
    }
}
