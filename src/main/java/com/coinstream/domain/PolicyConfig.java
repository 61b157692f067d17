package com.coinstream.domain;

import io.smallrye.config.ConfigMapping;

/** Platform-wide policy (application.properties gives each its default and its environment variable). */
@ConfigMapping(prefix = "coinstream.policy")
public interface PolicyConfig {
    /** Age in years from which a person may buy, gift, receive gifts and cash out (COINSTREAM_ADULT_AGE). */
    int adultAge();

    /** Region (ISO 3166-1 alpha-2) of a caller whose token has no region claim (COINSTREAM_DEFAULT_REGION). */
    String defaultRegion();

    /** Currency (ISO 4217) used where a region has none: money values and payouts (COINSTREAM_DEFAULT_CURRENCY). */
    String defaultCurrency();
}
