package com.coinstream.ledger;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import com.coinstream.db.SqlResources;

import io.smallrye.mutiny.Uni;

/**
 * The ledger's batch-posting API for spends: coins a wallet spends become diamond-units, split between a recipient
 * and the platform's commission, one GIFT entry with its postings per spend. It is the ledger's part of a single
 * statement (one round trip per batch): the caller's rules come before it and end in a CTE named {@code eligible};
 * the ledger debits each wallet conditionally (a wallet that cannot cover a spend writes nothing), writes the entries,
 * postings and balance credits (spend-batch.sql); the caller's records come after it and read {@code debited} and
 * {@code moved}. So no other code writes postings, entries or balances, and a batch still costs one statement.
 */
@ApplicationScoped
public class SpendBatch {
    private static final String LEDGER_PART = SqlResources.load(SpendBatch.class, "spend-batch.sql");
    private static final Pattern NAMED = Pattern.compile("(?<!:):(slot|coin_issuance|diamond_issuance|commission)\\b");

    /** The platform accounts every spend touches. */
    public record PlatformAccounts(long coinIssuance, long diamondIssuance, long commission) {
    }

    /** Which positional parameters of the whole statement carry the ledger's values. */
    public record Parameters(int slot, int coinIssuance, int diamondIssuance, int commission) {
    }

    private final Accounts accounts;
    private volatile PlatformAccounts platform;

    public SpendBatch(Accounts accounts) {
        this.accounts = accounts;
    }

    /** The statement: {@code rules} (CTEs ending in {@code eligible}), the ledger's part, then {@code records} (CTEs and the final select). */
    public static String statement(String rules, Parameters parameters, String records) {
        Matcher m = NAMED.matcher(LEDGER_PART);
        StringBuilder ledger = new StringBuilder();
        while (m.find()) {
            int position = switch (m.group(1)) {
                case "slot" -> parameters.slot();
                case "coin_issuance" -> parameters.coinIssuance();
                case "diamond_issuance" -> parameters.diamondIssuance();
                default -> parameters.commission();
            };
            m.appendReplacement(ledger, "\\$" + position);
        }
        m.appendTail(ledger);
        return "with " + rules.strip() + ",\n" + ledger.toString().strip() + ",\n" + records.strip();
    }

    /** The platform accounts' ids (created on first use, then remembered: account rows never change). */
    public Uni<PlatformAccounts> platformAccounts() {
        PlatformAccounts known = platform;
        if (known != null) {
            return Uni.createFrom().item(known);
        }
        return accounts.id(AccountKey.platform(AccountPurpose.COIN_ISSUANCE, Asset.COIN))
                .flatMap(coin -> accounts.id(AccountKey.platform(AccountPurpose.DIAMOND_ISSUANCE, Asset.DIAMOND))
                        .flatMap(diamond -> accounts.id(AccountKey.platform(AccountPurpose.COMMISSION, Asset.DIAMOND))
                                .map(commission -> {
                                    platform = new PlatformAccounts(coin, diamond, commission);
                                    return platform;
                                })));
    }
}
