package com.coinstream.db;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;

/** How long an export's database reading may wait for its client ({@link Cursors}). */
@ConfigMapping(prefix = "coinstream.exports")
public interface ExportsConfig {
    /** A client that reads nothing for this long, or fewer than 500 rows in twice this long, is cut off, its transaction ended (COINSTREAM_EXPORT_STALL_TIMEOUT, PT30S, 1 s to 10 min). */
    Duration stallTimeout();

    /** The longest an export may take, however steadily its client reads (COINSTREAM_EXPORT_MAX_DURATION, PT10M, 10 s to 24 h). */
    Duration maxDuration();
}
