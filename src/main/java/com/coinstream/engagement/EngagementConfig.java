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

    /**
     * How often the rollup applier folds committed gifts into leaderboards and earnings breakdowns (COINSTREAM_ROLLUP_INTERVAL,
     * 0.05-60 s): how far those trail a gift, against how many rollup rows each gift costs (a round adds up its gifts per
     * creator and period first).
     */
    Duration rollupInterval();
}
