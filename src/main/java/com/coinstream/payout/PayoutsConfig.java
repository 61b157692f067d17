package com.coinstream.payout;

import io.smallrye.config.ConfigMapping;

/** Cash-out rules (README "Payouts"). */
@ConfigMapping(prefix = "coinstream.payouts")
public interface PayoutsConfig {
    /** The smallest payout, in diamonds (COINSTREAM_PAYOUT_MINIMUM_DIAMONDS). */
    long minimumDiamonds();

    /** The most a creator may request per UTC day, in whole units of the payout currency (COINSTREAM_PAYOUT_DAILY_MAXIMUM). */
    long dailyMaximum();

    /** Days within which an approved payout is paid: a payout's expectedBy (COINSTREAM_PAYOUT_PAYMENT_DAYS). */
    int paymentDays();
}
