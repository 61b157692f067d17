package com.coinstream.domain;

import java.util.regex.Pattern;

/** ISO 3166-1 alpha-2 region arguments, and ISO 4217 currency ones. */
public final class Regions {
    private static final Pattern REGION = Pattern.compile("[A-Z]{2}");

    private Regions() {
    }

    /** An ISO 4217 currency argument such as "USD" (upper case, known to the JVM), or a BadInput naming the rule. */
    public static String requireCurrency(String currency) {
        String code = Money.currencyCode(currency);
        if (code != null) {
            return code;
        }
        throw new BadInput("currency must be an ISO 4217 code such as \"USD\"");
    }

    public static String require(String region) {
        if (region == null || !REGION.matcher(region).matches()) {
            throw new BadInput("region must be an ISO 3166-1 alpha-2 code such as \"US\"");
        }
        return region;
    }
}
