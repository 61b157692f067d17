package com.coinstream.reconciliation;

import java.io.InputStream;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.coinstream.audit.AuditDraft;
import com.coinstream.domain.ErrorCode;
import com.coinstream.domain.UserError;
import com.coinstream.identity.Caller;
import com.coinstream.purchase.PaymentSettings;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;

/**
 * Settlement report imports, however the report arrives (inside a GraphQL mutation, or streamed to
 * {@code POST /imports/settlement-reports}): read and matched on a worker thread, never on the event loop, in constant
 * memory ({@link Reconciliations#importReport}).
 */
@ApplicationScoped
public class SettlementImports {
    private final Reconciliations reconciliations;
    private final PaymentSettings payments;
    private final Vertx vertx;

    public SettlementImports(Reconciliations reconciliations, PaymentSettings payments, Vertx vertx) {
        this.reconciliations = reconciliations;
        this.payments = payments;
        this.vertx = vertx;
    }

    /** The run, or the report's errors as userErrors (INVALID_INPUT, each naming its line). */
    public record Outcome(Reconciliations.Run run, List<UserError> errors) {
    }

    public Uni<Outcome> importReport(Caller admin, String fileName, InputStream body, AuditDraft audit) {
        return vertx.executeBlocking(Uni.createFrom().item(() -> reconciliations.importReport(admin, fileName, body,
                payments.gateway().name(), audit)), false)
                .map(done -> new Outcome(done.run(), done.errors().stream().map(e -> UserError.of(ErrorCode.INVALID_INPUT, e, "input", "csv",
                        e.startsWith("line ") ? e.substring(0, e.indexOf(':')) : "lines")).toList()));
    }
}
