package com.coinstream.protection;

import java.math.BigInteger;
import java.util.List;
import java.util.Set;

import jakarta.annotation.security.RolesAllowed;

import org.eclipse.microprofile.graphql.DefaultValue;
import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.GraphQLApi;
import org.eclipse.microprofile.graphql.Input;
import org.eclipse.microprofile.graphql.Mutation;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Query;
import org.eclipse.microprofile.graphql.Type;

import com.coinstream.domain.Page;
import com.coinstream.domain.UserError;
import com.coinstream.graphql.AdminAction;
import com.coinstream.graphql.AdminActions;
import com.coinstream.graphql.ApiSecurity;
import com.coinstream.graphql.PersonText;
import com.coinstream.graphql.Range;
import com.coinstream.graphql.Payloads;
import com.coinstream.identity.CurrentCaller;
import com.coinstream.identity.Role;

import io.smallrye.mutiny.Uni;

@GraphQLApi
@ApiSecurity
public class ProtectionApi {
    private final CurrentCaller caller;
    private final AccountHolds holds;
    private final SpendingLimits limits;
    private final SpendingSummaries summaries;
    private final ConcentrationSignal rings;

    private final Payloads payloads;
    private final AdminActions actions;

    public ProtectionApi(CurrentCaller caller, AccountHolds holds, SpendingLimits limits, SpendingSummaries summaries,
            ConcentrationSignal rings, Payloads payloads, AdminActions actions) {
        this.actions = actions;
        this.payloads = payloads;
        this.caller = caller;
        this.holds = holds;
        this.limits = limits;
        this.summaries = summaries;
        this.rings = rings;
    }

    public enum Period {
        DAY, WEEK, MONTH
    }

    @Mutation("setSpendingLimit")
    @Description("Set your own cap on coins gifted per DAY, WEEK or MONTH (calendar periods in your time zone). Lowering takes effect at once; raising or removing (coins: null) only after a 24-hour cool-down (see effectiveAt and pendingEffectiveAt).")
    @RolesAllowed({ Role.VIEWER, Role.CREATOR })
    public Uni<@NonNull SpendingLimitPayload> setSpendingLimit(@NonNull SetSpendingLimitInput input) {
        return payloads.orRefusal(caller.get().flatMap(c -> Payloads.guarded(() -> limits.set(c, input.period.name(), input.coins)))
                .map(status -> new SpendingLimitPayload(status, List.of())), e -> new SpendingLimitPayload(null, List.of(e)));
    }

    @Query("spendingLimits")
    @Description("Your spending limits: in force, spent so far, remaining, reset time and any pending change.")
    @RolesAllowed({ Role.VIEWER, Role.CREATOR })
    public Uni<@NonNull List<SpendingLimits.@NonNull Status>> spendingLimits() {
        return caller.get().flatMap(limits::all);
    }

    @Query("spendingSummary")
    @Description("What you spent in the current period: real money, coins bought, coins gifted per creator, and your remaining budget.")
    @RolesAllowed({ Role.VIEWER, Role.CREATOR })
    public Uni<SpendingSummaries.@NonNull Summary> spendingSummary(@NonNull Period period) {
        return caller.get().flatMap(c -> summaries.summary(c, period.name()));
    }

    @Query("spendingHistory")
    @Description("What you spent per calendar period in your time zone, newest first: the current period and the `last - 1` before it "
            + "(default 12 weeks; 1-53), each with the figures of spendingSummary for that period.")
    @RolesAllowed({ Role.VIEWER, Role.CREATOR })
    public Uni<@NonNull List<SpendingSummaries.@NonNull Spent>> spendingHistory(@DefaultValue("WEEK") Period period,
            @DefaultValue("12") @Range(min = 1, max = SpendingSummaries.MAX_PERIODS) Integer last) {
        return caller.get().flatMap(c -> summaries.history(c, (period == null ? Period.WEEK : period).name(), last == null ? 12 : last));
    }

    @Query("suspiciousCreators")
    @Description("Admin: creators whose gifts come largely from new accounts that gift nobody else (a self-gifting ring signal), with the evidence.")
    @RolesAllowed(Role.ADMIN)
    public Uni<@NonNull List<ConcentrationSignal.@NonNull Suspicion>> suspiciousCreators(@org.eclipse.microprofile.graphql.DefaultValue("20") Integer first) {
        return rings.suspiciousCreators(Page.size(first));
    }

    @Input("SetSpendingLimitInput")
    public static class SetSpendingLimitInput {
        @NonNull
        public Period period;
        @Description("The cap in coins; null removes it (after the cool-down).")
        public BigInteger coins;
    }

    @Type("SpendingLimitPayload")
    public record SpendingLimitPayload(SpendingLimits.Status spendingLimit, @NonNull List<@NonNull UserError> userErrors) {
    }

    @Mutation("placeHold")
    @AdminAction("placeHold")
    @Description("Admin: put an account on hold. It cannot purchase, send gifts or cash out until released.")
    @RolesAllowed(Role.ADMIN)
    public Uni<@NonNull HoldPayload> placeHold(@NonNull PlaceHoldInput input) {
        return payloads.orRefusal(caller.get().flatMap(c -> Payloads.guarded(() -> holds.place(c, input.userId, input.reason, actions.draft())))
                .map(ok -> new HoldPayload(input.userId, true, List.of())), e -> new HoldPayload(input.userId, null, List.of(e)));
    }

    @Mutation("releaseHold")
    @AdminAction("releaseHold")
    @Description("Admin: lift a hold.")
    @RolesAllowed(Role.ADMIN)
    public Uni<@NonNull HoldPayload> releaseHold(@NonNull ReleaseHoldInput input) {
        return payloads.orRefusal(caller.get().flatMap(c -> Payloads.guarded(() -> holds.release(c, input.userId, actions.draft())))
                .map(ok -> new HoldPayload(input.userId, false, List.of())), e -> new HoldPayload(input.userId, null, List.of(e)));
    }

    @Input("PlaceHoldInput")
    public static class PlaceHoldInput {
        @PersonText(max = com.coinstream.identity.Caller.MAX_USER_ID)
        @NonNull
        public String userId;
        @PersonText(max = 500, multiline = true)
        @NonNull
        public String reason;
    }

    @Input("ReleaseHoldInput")
    public static class ReleaseHoldInput {
        @PersonText(max = com.coinstream.identity.Caller.MAX_USER_ID)
        @NonNull
        public String userId;
    }

    @Type("HoldPayload")
    public record HoldPayload(String userId, Boolean onHold, @NonNull List<@NonNull UserError> userErrors) {
    }
}
