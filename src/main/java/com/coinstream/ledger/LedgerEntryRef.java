package com.coinstream.ledger;

import java.time.Instant;

import org.eclipse.microprofile.graphql.Id;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

/** A written journal entry, identified by the operation that caused it. */
@Type("LedgerEntry")
public record LedgerEntryRef(@Id @NonNull String id, @NonNull String kind, String memo, @NonNull Instant createdAt) {
}
