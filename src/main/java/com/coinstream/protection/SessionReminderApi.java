package com.coinstream.protection;

import java.math.BigInteger;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.GraphQLApi;
import org.eclipse.microprofile.graphql.Input;
import org.eclipse.microprofile.graphql.Mutation;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Source;
import org.eclipse.microprofile.graphql.Type;

import com.coinstream.domain.Money;
import com.coinstream.domain.UserError;
import com.coinstream.graphql.ApiSecurity;
import com.coinstream.graphql.Payloads;
import com.coinstream.identity.Caller;
import com.coinstream.identity.CurrentCaller;
import com.coinstream.identity.MeApi;
import com.coinstream.identity.Role;

import io.smallrye.mutiny.Uni;

/** The session reminder: a pause before gifting on past a chosen amount in one stream. */
@GraphQLApi
@ApiSecurity
public class SessionReminderApi {
    private final CurrentCaller caller;
    private final SessionReminders reminders;
    private final CoinValuation valuation;
    private final Payloads payloads;

    public SessionReminderApi(CurrentCaller caller, SessionReminders reminders, CoinValuation valuation, Payloads payloads) {
        this.caller = caller;
        this.reminders = reminders;
        this.valuation = valuation;
        this.payloads = payloads;
    }

    @Mutation("setSessionReminder")
    @Description("Ask to be reminded: once you have sent this many coins in one live stream, each further gift to it is refused "
            + "with CONFIRMATION_REQUIRED until you send it with confirmed: true (every gift is, for a moment after a database crash, "
            + "while what you sent cannot be counted). coins: null removes the reminder. Takes effect at once.")
    @RolesAllowed({ Role.VIEWER, Role.CREATOR })
    public Uni<@NonNull SessionReminderPayload> setSessionReminder(@NonNull SetSessionReminderInput input) {
        return payloads.orRefusal(caller.get().flatMap(c -> Payloads.guarded(() -> reminders.set(c.userId(), input.coins))
                .flatMap(coins -> coins == null ? Uni.createFrom().<SessionReminder> nullItem()
                        : valuation.valuerAfterCommit(c.userId(), c.region()).map(value -> new SessionReminder(coins, value.apply(coins))))).map(r -> new SessionReminderPayload(r, List.of())),
                e -> new SessionReminderPayload(null, List.of(e)));
    }

    @Description("Your session reminder (setSessionReminder); null when none is set.")
    public Uni<SessionReminder> sessionReminder(@Source MeApi.Me me) {
        return caller.get().flatMap(c -> reminders.get(c.userId()).flatMap(coins -> view(c, coins)));
    }

    private Uni<SessionReminder> view(Caller c, Long coins) {
        if (coins == null) {
            return Uni.createFrom().nullItem();
        }
        return valuation.valuer(c.userId(), c.region()).map(value -> new SessionReminder(coins, value.apply(coins)));
    }

    @Input("SetSessionReminderInput")
    public static class SetSessionReminderInput {
        @Description("Coins sent in one stream after which each further gift needs confirmed: true (1-100000000); null removes it.")
        public BigInteger coins;
    }

    @Type("SessionReminder")
    public record SessionReminder(@Description("Coins sent in one stream before the reminder asks.") long coins,
            @Description("Those coins in real money, for you.") Money value) {
    }

    @Type("SessionReminderPayload")
    public record SessionReminderPayload(SessionReminder sessionReminder, @NonNull List<@NonNull UserError> userErrors) {
    }
}
