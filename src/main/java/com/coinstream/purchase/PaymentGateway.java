package com.coinstream.purchase;

import java.util.UUID;

import com.coinstream.domain.Money;

import io.smallrye.mutiny.Uni;

/** A card processor. Implementations must be safe to retry with the same purchase id (it is the processor's idempotency key). */
public interface PaymentGateway {

    String name();

    Uni<ChargeResult> charge(ChargeRequest request);

    record ChargeRequest(UUID purchaseId, long amountMinor, String currency, String paymentMethodToken) {
    }

    sealed interface ChargeResult {
        /** Money captured; coins may be credited now. */
        record Succeeded(String providerRef) implements ChargeResult {
        }

        /** The processor refused; nothing is owed. */
        record Declined(String reason) implements ChargeResult {
        }

        /** The outcome arrives later through the signed webhook. */
        record Pending(String providerRef) implements ChargeResult {
        }
    }
}
