package com.coinstream.domain;

import java.math.BigInteger;

/**
 * Whole-number amounts arrive as GraphQL BigInteger and are range-checked here before becoming a long.
 * (Binding them straight to a Java long lets the GraphQL layer wrap 2^64+5 around to 5.)
 */
public final class Amounts {
    private Amounts() {
    }

    /** {@code value} as a long in [min, max], or a Refusal with {@code code} on {@code field}. */
    public static long within(BigInteger value, long min, long max, ErrorCode code, String what, String... field) {
        if (value == null || value.compareTo(BigInteger.valueOf(min)) < 0 || value.compareTo(BigInteger.valueOf(max)) > 0) {
            throw new Refusal(code, what + " must be between " + min + " and " + max, field);
        }
        return value.longValueExact();
    }
}
