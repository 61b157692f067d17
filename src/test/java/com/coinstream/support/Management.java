package com.coinstream.support;

import org.eclipse.microprofile.config.ConfigProvider;

import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;

/** The service's management interface (health and metrics on their own port, never the API's) as tests reach it. */
public final class Management {
    private Management() {
    }

    /** The port tests run the management interface on (quarkus.management.test-port; 9001 by default). */
    public static int port() {
        return ConfigProvider.getConfig().getOptionalValue("quarkus.management.test-port", Integer.class).orElse(9001);
    }

    public static RequestSpecification given() {
        return RestAssured.given().port(port());
    }
}
