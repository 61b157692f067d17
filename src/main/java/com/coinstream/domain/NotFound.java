package com.coinstream.domain;

import io.smallrye.graphql.api.ErrorCode;

/** A query named something that does not exist or is not the caller's to see: a top-level error with code NOT_FOUND. */
@ErrorCode("NOT_FOUND")
public class NotFound extends ApiException {
    public NotFound(String message) {
        super(message);
    }
}
