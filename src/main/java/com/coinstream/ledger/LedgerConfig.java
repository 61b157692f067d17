package com.coinstream.ledger;

import io.smallrye.config.ConfigMapping;

@ConfigMapping(prefix = "coinstream.ledger")
public interface LedgerConfig {
    /** Balance slot rows of each hot platform account outside the gift lanes (COINSTREAM_LEDGER_HOT_SLOTS). */
    int hotSlots();
}
