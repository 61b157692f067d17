package com.coinstream.gifting;

import io.smallrye.config.ConfigMapping;

/** The gift hot path (README "The gift hot path"). */
@ConfigMapping(prefix = "coinstream.gifts")
public interface GiftsConfig {
    /** Group-commit lanes per instance, each with its own connection (COINSTREAM_GIFTS_LANES, 1-15). */
    int lanes();

    /** Most gifts in one batch statement (COINSTREAM_GIFTS_MAX_BATCH). */
    int maxBatch();

    /** Where this instance's lane slot rows start above the base, so instances do not share them (COINSTREAM_GIFTS_SLOT_OFFSET). */
    int slotOffset();
}
