package com.coinstream.domain;

/**
 * Base of the exceptions whose message is safe to show a client (listed in
 * quarkus.smallrye-graphql.show-runtime-exception-message). Everything else is masked.
 */
public class ApiException extends RuntimeException {
    public ApiException(String message) {
        super(message, null, false, false);
    }
}
