package com.coinstream.ledger;

import java.util.ArrayList;
import java.util.List;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

/**
 * The reconciliation report: does every asset sum to zero, does every stored balance match its postings, and do
 * the business records (gifts, purchases, reversals, payouts, spend) match their entries?
 */
@Type("LedgerAudit")
public record LedgerAudit(
        @Description("True when every asset's postings sum to zero, every entry balances, and every stored balance equals its postings.") boolean balanced,
        @Description("True when, in addition, every gift, purchase, reversal, payout and day's spend agrees with the ledger, and no entry lacks its record. The mismatches list every difference.") boolean reconciled,
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
            @NonNull @Description("Ledger checks: UNBALANCED_ASSET, UNBALANCED_ENTRY, BALANCE_MISMATCH, NEGATIVE_BALANCE, ENTRY_WITHOUT_POSTINGS, POSTING_OUT_OF_INDEX. Record checks: GIFT_ENTRY, GIFT_WITHOUT_KEY, GIFT_STATE, MATURITY_ENTRY, REVERSAL_ENTRY, REVERSAL_RECORD, PURCHASE_ENTRY, PURCHASE_STATE, PAYOUT_ENTRY, ORPHAN_ENTRY, WALLET_BALANCE, DEBT_BALANCE, CREATOR_BALANCE, SPEND_DAY, ROLLUP, GOAL, MATCH, PROVIDER_FEE, ERASURE_FORFEIT, ERASURE_BALANCE.") String kind,
            @Description("The account concerned, if any.") Long accountId,
            @Description("The entry concerned, if any.") Long entryId,
            @NonNull String asset,
            @Description("What the postings (or, for a record check, the record) say.") long expected,
            @Description("What is stored (or, for a record check, what the ledger says).") long actual,
            @Description("For a record check: the gift, purchase, reversal, payout or user concerned.") String subject,
            @Description("For a record check: what was compared.") String detail) {
    }

    /** This report with more mismatches (the business records' checks), which make it unreconciled. */
    public LedgerAudit with(List<Mismatch> more, int limit) {
        List<Mismatch> all = new ArrayList<>(mismatches);
        more.stream().limit(Math.max(0, limit - all.size())).forEach(all::add);
        return new LedgerAudit(balanced, balanced && more.isEmpty(), assets, all, entries, postings);
    }
}
