package com.coinstream.ledger;

import java.time.Instant;
import java.util.UUID;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.Id;
import org.eclipse.microprofile.graphql.Ignore;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

/** One posting on one of the caller's accounts. */
@Type("LedgerLine")
@Description("One line of the caller's ledger history: an amount added to (positive) or taken from (negative) one of their accounts.")
public record LedgerLine(
        @Ignore long position,
        @Id @NonNull String id,
        @NonNull @Description("PURCHASE, GRANT, GIFT, ... what caused the entry.") String kind,
        @NonNull @Description("COIN, DIAMOND, or an ISO 4217 currency for real money (minor units).") String asset,
        @NonNull @Description("Which of the caller's accounts: WALLET, FUNDING, ...") String account,
        @Description("Signed amount in the asset's integer units.") long amount,
        @Description("The purchase, gift or payout this line belongs to.") UUID causeId,
        String memo,
        @NonNull Instant createdAt) {
}
