package com.coinstream.reconciliation;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settlement report imports (README "Reconciliation"). */
@ConfigMapping(prefix = "coinstream.reconciliation")
public interface ReconciliationConfig {
    /** The largest report POST /imports/settlement-reports takes (COINSTREAM_SETTLEMENT_UPLOAD_MAX_SIZE, default 200M). */
    @WithDefault("200M")
    MemorySize uploadMaxSize();
}
