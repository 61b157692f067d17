package com.coinstream.ledger;

import java.util.List;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

/** The reconciliation report: does every asset sum to zero, and does every stored balance match its postings? */
@Type("LedgerAudit")
public record LedgerAudit(
        @Description("True when every asset's postings sum to zero, every entry balances, and every stored balance equals its postings.") boolean balanced,
        @NonNull List<@NonNull AssetTotals> assets,
        @NonNull List<@NonNull Mismatch> mismatches,
        @Description("Journal entries checked.") long entries,
        @Description("Postings checked.") long postings) {

    @Type("AssetTotals")
    public record AssetTotals(@NonNull String asset,
            @Description("Sum of all postings in this asset; zero in a healthy ledger.") long postingsSum,
            @Description("Sum of all stored balances in this asset; zero in a healthy ledger.") long balancesSum) {
    }

    @Type("LedgerMismatch")
    public record Mismatch(
            @NonNull @Description("UNBALANCED_ASSET, UNBALANCED_ENTRY, BALANCE_MISMATCH or NEGATIVE_BALANCE.") String kind,
            @Description("The account concerned, if any.") Long accountId,
            @Description("The entry concerned, if any.") Long entryId,
            @NonNull String asset,
            @Description("What the postings say.") long expected,
            @Description("What is stored.") long actual) {
    }
}
