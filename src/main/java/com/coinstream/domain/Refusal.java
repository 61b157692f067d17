package com.coinstream.domain;

/**
 * Thrown inside a service to refuse an operation with a business reason. The transaction it
 * escapes from rolls back, and the API layer turns it into a payload's userErrors.
 */
public class Refusal extends RuntimeException {
    private final transient UserError error;

    public Refusal(ErrorCode code, String message, String... fieldPath) {
        super(message, null, false, false);
        this.error = UserError.of(code, message, fieldPath);
    }

    public UserError error() {
        return error;
    }

    public ErrorCode code() {
        return error.code();
    }

    /** The HTTP status of this refusal where a REST edge answers it: 409 for a lost race, else 422. */
    public int httpStatus() {
        return switch (code()) {
            case CONFLICT -> 409;
            case RATE_LIMITED -> 429;
            default -> 422;
        };
    }
}
