package com.coinstream.domain;

import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

@Type("PageInfo")
public record PageInfo(@NonNull boolean hasNextPage, String endCursor, @NonNull boolean hasPreviousPage, String startCursor) {
}
