package com.coinstream.domain;

import java.util.List;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

/** An expected business failure, returned in a payload's userErrors (never as a top-level error). */
@Type("UserError")
@Description("Why a mutation was refused. `field` is the path to the offending input field, when there is one.")
public record UserError(List<@NonNull String> field, @NonNull String message, @NonNull ErrorCode code) {

    public static UserError of(ErrorCode code, String message, String... fieldPath) {
        return new UserError(fieldPath.length == 0 ? null : List.of(fieldPath), message, code);
    }
}
