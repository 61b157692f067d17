package com.coinstream.gifting;

import java.util.List;

import com.coinstream.ledger.SpendBatch;

import io.smallrye.mutiny.Uni;

/** Runs one lane's batch of gifts as one statement: one outcome per gift, in order. */
public interface GiftBatches {

    /** Platform-wide default caps per period (null = none). */
    record DefaultLimits(Long day, Long week, Long month) {
    }

    Uni<List<GiftOutcome>> execute(List<GiftCommand> batch, short slot, SpendBatch.PlatformAccounts platform, DefaultLimits defaults);
}
