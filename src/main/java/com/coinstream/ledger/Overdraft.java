package com.coinstream.ledger;

/** An entry would take an account that may not go negative below zero. The whole transaction rolls back. */
public class Overdraft extends RuntimeException {
    public Overdraft(String detail) {
        super("ledger overdraft refused: " + detail, null, false, false);
    }
}
