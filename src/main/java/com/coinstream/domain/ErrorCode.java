package com.coinstream.domain;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.Enum;

/** The one set of stable, machine-readable codes for expected business failures (UserError.code). */
@Enum("ErrorCode")
@Description("Stable machine-readable reason a mutation was refused. Clients switch on these; they never change meaning.")
public enum ErrorCode {
    INSUFFICIENT_COINS,
    INSUFFICIENT_DIAMONDS,
    STREAM_NOT_LIVE,
    GIFT_UNAVAILABLE,
    SELF_GIFT,
    INVALID_QUANTITY,
    INVALID_AMOUNT,
    INVALID_INPUT,
    AGE_RESTRICTED,
    SPENDING_LIMIT_REACHED,
    RATE_LIMITED,
    ACCOUNT_ON_HOLD,
    COIN_DEBT_OUTSTANDING,
    IDEMPOTENCY_KEY_REUSED,
    PAYMENT_DECLINED,
    BELOW_PAYOUT_THRESHOLD,
    PAYOUT_LIMIT_EXCEEDED,
    PAYOUT_ACCOUNT_UNVERIFIED,
    NOT_FOUND,
    FORBIDDEN,
    INVALID_STATE,
    CONFIRMATION_REQUIRED,
    GOAL_LIMIT_REACHED,
    MATCH_UNAVAILABLE,
    INVITE_EXPIRED,
    ENDPOINT_NOT_ALLOWED,
    ERASURE_BLOCKED,
    /** Another change to the same thing won a race; read it again and retry. */
    CONFLICT
}
