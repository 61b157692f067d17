package com.coinstream.payout;

import java.time.Instant;
import java.util.UUID;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.Id;
import org.eclipse.microprofile.graphql.Ignore;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

import com.coinstream.domain.Money;

@Type("Payout")
@Description("A creator's cash-out of diamonds. REQUESTED -> APPROVED -> PAID, or REJECTED / FAILED (diamonds return to available).")
public record Payout(
        @Ignore UUID uuid,
        @Ignore long position,
        @Ignore String creatorId,
        @Ignore UUID payoutAccountId,
        @Id @NonNull String id,
        @Ignore PayoutStatus state,
        long diamonds,
        @NonNull @Description("Cash for the diamonds at the rate in force when requested, rounded down.") Money amount,
        int rateVersion,
        @NonNull Instant requestedAt,
        @NonNull @Description("When the payment is due at the latest.") Instant expectedBy,
        String externalReference,
        String reason) {

    /** The lifecycle state, as the schema has always shown it (a string). */
    @NonNull
    @Description("REQUESTED, APPROVED, PAID, REJECTED or FAILED.")
    public String getStatus() {
        return state.name();
    }

    @Type("PayoutTransition")
    public record Transition(String from, @NonNull String to, @NonNull String actor, String reason, @NonNull Instant at) {
    }
}
