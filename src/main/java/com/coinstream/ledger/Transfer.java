package com.coinstream.ledger;

/**
 * One movement of {@code amount} units of one asset from one account to another. A slot may be named
 * for a split (hot) account, to debit exactly the slot row an earlier entry credited.
 */
public record Transfer(AccountKey from, Integer fromSlot, AccountKey to, Integer toSlot, long amount) {

    public Transfer(AccountKey from, AccountKey to, long amount) {
        this(from, null, to, null, amount);
    }

    public Transfer {
        if (amount <= 0) {
            throw new IllegalArgumentException("transfer amount must be positive: " + amount);
        }
        if (!from.asset().equals(to.asset())) {
            throw new IllegalArgumentException("a transfer moves one asset: " + from.asset() + " -> " + to.asset());
        }
        if (from.equals(to)) {
            throw new IllegalArgumentException("a transfer needs two different accounts");
        }
    }
}
