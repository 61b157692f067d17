package com.coinstream.reconciliation;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.coinstream.audit.AuditDraft;
import com.coinstream.domain.ErrorCode;
import com.coinstream.domain.Refusal;
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
    /** Uploads at most this many at once on an instance. */
    static final int UPLOADS_AT_ONCE = 2;
    private final com.coinstream.domain.AtOnce uploading = new com.coinstream.domain.AtOnce(UPLOADS_AT_ONCE, () -> new Refusal(
            ErrorCode.RATE_LIMITED, "At most " + UPLOADS_AT_ONCE + " settlement reports are uploaded at once; send this one when another has finished",
            "input"));

    public SettlementImports(Reconciliations reconciliations, PaymentSettings payments, Vertx vertx) {
        this.reconciliations = reconciliations;
        this.payments = payments;
        this.vertx = vertx;
    }

    /** The run, or the report's errors as userErrors (INVALID_INPUT, each naming its line). */
    public record Outcome(Reconciliations.Run run, List<UserError> errors) {
    }

    /**
     * A report arriving from a client at the client's pace (the upload): written to a temporary file as it arrives, on a
     * worker thread, and imported once it is whole, so that a slow or stalled upload holds no database connection, no
     * transaction and no lock. At most {@value #UPLOADS_AT_ONCE} are taken at once on an instance (RATE_LIMITED): each
     * holds a worker thread and up to its size on disk until its import is over.
     */
    public Uni<Outcome> importUpload(Caller admin, String fileName, InputStream slowBody, AuditDraft audit) {
        // (counted until its import is over too: its file, its worker thread and its connection are held until then)
        return uploading.run(() -> vertx.executeBlocking(Uni.createFrom().item(() -> spool(slowBody)), false)
                .flatMap(file -> Uni.createFrom().deferred(() -> {
                    InputStream whole;
                    try {
                        whole = Files.newInputStream(file, StandardOpenOption.DELETE_ON_CLOSE);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    return importReport(admin, fileName, whole, audit).eventually(() -> close(whole));
                }).onTermination().invoke(() -> delete(file))));
    }

    private static Path spool(InputStream body) {
        Path file;
        try {
            file = Files.createTempFile("settlement-upload-", ".csv");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (InputStream in = body; OutputStream out = Files.newOutputStream(file)) {
            in.transferTo(out);
            return file;
        } catch (IOException | RuntimeException e) {
            delete(file);
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // the temporary folder's own clean-up has it
        }
    }

    private static void close(InputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            // read-only: nothing was lost
        }
    }

    public Uni<Outcome> importReport(Caller admin, String fileName, InputStream body, AuditDraft audit) {
        return vertx.executeBlocking(Uni.createFrom().item(() -> reconciliations.importReport(admin, fileName, body,
                payments.gateway().name(), audit)), false)
                .map(done -> new Outcome(done.run(), done.errors().stream().map(e -> UserError.of(ErrorCode.INVALID_INPUT, e, "input", "csv",
                        e.startsWith("line ") ? e.substring(0, e.indexOf(':')) : "lines")).toList()));
    }
}
