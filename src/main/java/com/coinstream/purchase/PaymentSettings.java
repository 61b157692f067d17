package com.coinstream.purchase;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;

import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;

/**
 * Chooses the payment gateway from configuration and refuses to start without one: there is no
 * default in prod, so the sandbox processor can never hand out free coins by accident.
 */
@ApplicationScoped
public class PaymentSettings {
    private static final Logger LOG = Logger.getLogger(PaymentSettings.class);
    static final int MIN_SECRET_LENGTH = 16;

    private final PaymentGateway gateway;
    private final byte[] webhookSecret;

    public PaymentSettings(PurchaseConfig config, Instance<PaymentGateway> gateways) {
        Optional<String> provider = config.provider();
        Optional<String> webhookSecret = config.webhookSecret();
        String chosen = provider.map(String::strip).filter(s -> !s.isEmpty()).orElseThrow(() -> new io.quarkus.runtime.configuration.ConfigurationException(
                "No payment provider configured: set COINSTREAM_PAYMENT_PROVIDER (available: simulated). "
                        + "Coinstream will not start without one."));
        Map<String, PaymentGateway> byName = new HashMap<>();
        gateways.forEach(g -> byName.put(g.name(), g));
        this.gateway = Optional.ofNullable(byName.get(chosen)).orElseThrow(() -> new io.quarkus.runtime.configuration.ConfigurationException(
                "Unknown payment provider '" + chosen + "' in COINSTREAM_PAYMENT_PROVIDER (available: " + byName.keySet() + ")"));
        String secret = webhookSecret.map(String::strip).orElse("");
        if (secret.length() < MIN_SECRET_LENGTH) {
            throw new io.quarkus.runtime.configuration.ConfigurationException("COINSTREAM_PAYMENT_WEBHOOK_SECRET must be set to at least "
                    + MIN_SECRET_LENGTH + " characters");
        }
        this.webhookSecret = secret.getBytes(StandardCharsets.UTF_8);
        if (SimulatedPaymentGateway.NAME.equals(chosen)) {
            LOG.warn("Payment provider is the SIMULATED sandbox: test cards succeed without real money. Never use it in a real deployment.");
        }
    }

    void validateAtStartup(@Observes StartupEvent ignored) {
        // Constructing this bean at startup is the check: a missing provider or secret stops the boot.
    }

    public PaymentGateway gateway() {
        return gateway;
    }

    byte[] webhookSecret() {
        return webhookSecret.clone();
    }
}
