package com.coinstream.purchase;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;

/**
 * A sandbox card processor, selected only by configuration (COINSTREAM_PAYMENT_PROVIDER=simulated).
 * Test cards: {@code pm_card_ok} succeeds at once, {@code pm_card_declined} is declined, {@code pm_async}
 * stays pending until a signed webhook reports the outcome. Any other token is declined as invalid.
 */
@ApplicationScoped
public class SimulatedPaymentGateway implements PaymentGateway {
    public static final String NAME = "simulated";
    /** The sandbox's card tokens: succeeds at once, declined, succeeds later (by webhook). */
    public static final List<String> CARDS = List.of("pm_card_ok", "pm_card_declined", "pm_async");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Uni<ChargeResult> charge(ChargeRequest request) {
        String ref = "sim_pi_" + request.purchaseId();
        ChargeResult result = switch (request.paymentMethodToken()) {
            case "pm_card_ok" -> new ChargeResult.Succeeded(ref);
            case "pm_async" -> new ChargeResult.Pending(ref);
            case "pm_card_declined" -> new ChargeResult.Declined("card_declined");
            default -> new ChargeResult.Declined("invalid_payment_method");
        };
        return Uni.createFrom().item(result);
    }
}
