package com.coinstream.domain;

import io.smallrye.graphql.api.ErrorCode;

/** A malformed request argument (not a business refusal): a top-level GraphQL error with code BAD_USER_INPUT. */
@ErrorCode("BAD_USER_INPUT")
public class BadInput extends ApiException {
    public BadInput(String message) {
        super(message);
    }
}
