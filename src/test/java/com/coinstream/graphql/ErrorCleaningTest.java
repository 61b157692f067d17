package com.coinstream.graphql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import graphql.ErrorType;
import graphql.GraphQLError;
import graphql.GraphqlErrorBuilder;

/** What a client sees of an error: a stable code, and no Java class names or raw values. */
@Tag("fast")
class ErrorCleaningTest {
    static GraphQLError error(String message, ErrorType type) {
        return GraphqlErrorBuilder.newError().message(message).errorType(type).build();
    }

    @Test
    void validationAndSyntaxErrorsGetStableCodes() {
        assertEquals("GRAPHQL_VALIDATION_FAILED", ErrorPolicy.clean(error("Field 'x' is undefined", ErrorType.ValidationError))
                .getExtensions().get("code"));
        assertEquals("GRAPHQL_PARSE_FAILED", ErrorPolicy.clean(error("Invalid syntax", ErrorType.InvalidSyntax)).getExtensions().get("code"));
        assertEquals("QUERY_TOO_COMPLEX", ErrorPolicy.clean(error("maximum query depth exceeded 15 > 12", ErrorType.ExecutionAborted))
                .getExtensions().get("code"));
    }

    @Test
    void javaTypeNamesAndRawValuesNeverReachTheClient() {
        GraphQLError cleaned = ErrorPolicy.clean(error(
                "Variable 'r' has an invalid value: Expected type 'BigInteger' but was 'java.lang.String' with value 'x' is not valid",
                ErrorType.ValidationError));
        assertFalse(cleaned.getMessage().contains("java."), cleaned.getMessage());
        assertFalse(cleaned.getMessage().contains("'x'"), cleaned.getMessage());
        assertEquals("Variable 'r' has an invalid value for its declared type", cleaned.getMessage());
    }

    /**
     * A message echoing a body-sized value that repeats the words a raw value starts with, and never ends one: cleaned in
     * one pass (a lazy regex tried each start to the end, seconds of CPU for 256 KB), and cut to its bound.
     */
    @Test
    void aHugeEchoedValueIsCleanedInOnePass() {
        String value = "with value '".repeat(256 * 1024 / 12);
        long started = System.nanoTime();
        GraphQLError cleaned = ErrorPolicy.clean(error("Variable 'p' has an invalid value: No value found for name '" + value + "'",
                ErrorType.ValidationError));
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertFalse(millis > 2_000, "took " + millis + " ms");
        assertFalse(cleaned.getMessage().length() > ErrorPolicy.MAX_MESSAGE + 50, cleaned.getMessage());
        assertEquals("a is not b, c is not d", ErrorPolicy.withoutRawValues("a with value 'x' is not b, c with value 'y' is not d"));
        assertEquals("open with value 'x", ErrorPolicy.withoutRawValues("open with value 'x"));
    }

    @Test
    void coercionFailuresAreBadUserInput() {
        GraphQLError cleaned = ErrorPolicy.clean(GraphqlErrorBuilder.newError().message("Internal error")
                .extensions(Map.of("code", "coercing-parse-value")).build());
        assertEquals("BAD_USER_INPUT", cleaned.getExtensions().get("code"));
        assertEquals("An argument has the wrong type or is out of range", cleaned.getMessage());
        assertEquals(List.of(), cleaned.getLocations() == null ? List.of() : cleaned.getLocations());
    }
}
