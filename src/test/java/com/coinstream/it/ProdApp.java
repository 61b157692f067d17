package com.coinstream.it;

import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.HashMap;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Configuration for the packaged app under test, exactly as an operator gives it: the environment
 * variables the README documents (passed as system properties, which the same ${...} expressions read),
 * the dev public key standing in for the operator's, and a fresh schema of its own.
 */
public class ProdApp implements QuarkusTestResourceLifecycleManager {
    public static final String SCHEMA = "coinstream_it";

    public static Map<String, String> environment() {
        return Map.of(
                "COINSTREAM_DB_HOST", "127.0.0.1",
                "COINSTREAM_DB_NAME", "postgres",
                "COINSTREAM_DB_USER", "postgres",
                "COINSTREAM_DB_SCHEMA", SCHEMA,
                "MP_JWT_VERIFY_PUBLICKEY_LOCATION", Path.of("src/main/dev-keys/dev-only-public.pem").toAbsolutePath().toString(),
                "MP_JWT_VERIFY_ISSUER", "https://coinstream.dev/issuer",
                "COINSTREAM_PAYMENT_PROVIDER", "simulated",
                "COINSTREAM_PAYMENT_WEBHOOK_SECRET", "dev-only-webhook-secret");
    }

    @Override
    public Map<String, String> start() {
        try (var c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres", "postgres", "");
                var s = c.createStatement()) {
            s.execute("drop schema if exists " + SCHEMA + " cascade");
        } catch (Exception e) {
            throw new IllegalStateException("cannot reset the IT schema", e);
        }
        // The launcher passes these as system properties. ${COINSTREAM_...} expressions read those too, but the
        // standard MicroProfile JWT settings are read by their own names (the MP_JWT_... spelling is only
        // mapped from real environment variables, as SecondInstance and operators give them).
        Map<String, String> properties = new HashMap<>(environment());
        properties.put("mp.jwt.verify.publickey.location", properties.get("MP_JWT_VERIFY_PUBLICKEY_LOCATION"));
        properties.put("mp.jwt.verify.issuer", properties.get("MP_JWT_VERIFY_ISSUER"));
        // the management interface (health, metrics) on the port tests expect it on (Management.port())
        properties.put("COINSTREAM_MANAGEMENT_PORT", Integer.toString(com.coinstream.support.Management.port()));
        return properties;
    }

    @Override
    public void stop() {
    }
}
