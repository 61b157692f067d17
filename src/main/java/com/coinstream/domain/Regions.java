package com.coinstream.domain;

import java.util.regex.Pattern;

/** ISO 3166-1 alpha-2 region arguments. */
public final class Regions {
    private static final Pattern REGION = Pattern.compile("[A-Z]{2}");

    private Regions() {
    }

    public static String require(String region) {
        if (region == null || !REGION.matcher(region).matches()) {
            throw new BadInput("region must be an ISO 3166-1 alpha-2 code such as \"US\"");
        }
        return region;
    }
}
