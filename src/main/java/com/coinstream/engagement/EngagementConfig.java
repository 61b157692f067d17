package com.coinstream.engagement;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;

/** Live engagement (README "Live engagement"). */
@ConfigMapping(prefix = "coinstream.engagement")
public interface EngagementConfig {
    /** Gifts of one kind from one sender within this of each other form one combo (COINSTREAM_COMBO_WINDOW, ISO-8601). */
    Duration comboWindow();

    /**
     * How long after a combo's window closes its end is announced (COINSTREAM_COMBO_GRACE): a gift sent inside the window but
     * committed later than this starts a new combo.
     */
    Duration comboGrace();

    /** A LIVE Match's length when the invitation does not say (COINSTREAM_MATCH_DURATION, 1-10 minutes). */
    Duration matchDuration();

    /** How long a match invitation waits for its answer (COINSTREAM_MATCH_INVITE_TIMEOUT). */
    Duration matchInviteTimeout();
}
