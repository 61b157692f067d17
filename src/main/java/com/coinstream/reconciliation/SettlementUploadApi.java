package com.coinstream.reconciliation;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

import com.coinstream.audit.AdminAuditLog;
import com.coinstream.audit.AuditDraft;
import com.coinstream.domain.CodedErrors;
import com.coinstream.domain.ErrorCode;
import com.coinstream.domain.Refusal;
import com.coinstream.domain.UserError;
import com.coinstream.graphql.AdminActionInterceptor;
import com.coinstream.graphql.InputGate;
import com.coinstream.graphql.RequestShape;
import com.coinstream.graphql.Payloads;
import com.coinstream.graphql.PersonText;
import com.coinstream.identity.Caller;
import com.coinstream.identity.CallerDefaults;
import com.coinstream.identity.Role;
import com.coinstream.identity.UserDirectory;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.vertx.http.runtime.VertxInputStream;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code POST /imports/settlement-reports?fileName=...}: a settlement report streamed as the request body (README
 * "Reconciliation"), for files too big for a GraphQL request. It has its own size limit
 * (COINSTREAM_SETTLEMENT_UPLOAD_MAX_SIZE), read on a worker thread in constant memory as importSettlementReport does,
 * with the same answer (the run, or one userError per bad line) and the same admin audit record.
 * <p>
 * A route of its own, ahead of the HTTP server's body limit (which is the GraphQL request's, far smaller): the body is
 * never buffered, so that limit does not apply, and this one is counted as the bytes arrive.
 */
@ApplicationScoped
public class SettlementUploadApi implements com.coinstream.graphql.AdminRoute {
    static final String PATH = "/imports/settlement-reports";
    private static final Logger LOG = Logger.getLogger(SettlementUploadApi.class);
    private static final long READ_TIMEOUT_MS = 60_000;
    /**
     * How long an upload's body may take in all (200 MiB at 350 KB/s): a body that trickles in, each read within the read
     * timeout, holds one of the instance's two upload slots no longer than this.
     */
    static final java.time.Duration BODY_DEADLINE = java.time.Duration.ofMinutes(10);

    private final SettlementImports imports;
    private final UserDirectory users;
    private final AdminAuditLog log;
    private final ObjectMapper json;
    private final String defaultRegion;
    private final long maxBytes;

    public SettlementUploadApi(SettlementImports imports, UserDirectory users, AdminAuditLog log, ObjectMapper json,
            CallerDefaults defaults, ReconciliationConfig config) {
        this.imports = imports;
        this.users = users;
        this.log = log;
        this.json = json;
        this.defaultRegion = defaults.region();
        this.maxBytes = config.uploadMaxSize().asLongValue();
    }

    /** What the upload says besides its body; recorded in the admin audit log as the action's input. */
    public static class Upload {
        @PersonText(min = 0, max = 255)
        public String fileName;

        Upload(String fileName) {
            this.fileName = fileName;
        }
    }

    @Override
    public String path() {
        return PATH;
    }

    /** An upload whose token failed verification: recorded as its admin attempt, with the file name it gave (if readable). */
    @Override
    public Uni<Void> refusedUnknownCaller(RoutingContext rc, String code) {
        String fileName;
        try {
            fileName = com.coinstream.graphql.RequestShape.queryParam(rc, "fileName");
        } catch (IllegalArgumentException e) {
            fileName = null;
        }
        // (the query string is the client's, unchecked by any gate: kept as a made-up input is)
        return log.attempt(uncheckedAttempt(fileName),
                AdminAuditLog.REFUSED, code);
    }

    /** An upload refused before its caller is known, with the file name it gave as typed (no gate has checked it). */
    private AuditDraft uncheckedAttempt(String fileName) {
        return AdminActionInterceptor.draftOfUncheckedInput(json, "importSettlementReport", Optional.empty(), new Upload(fileName));
    }

    void install(@Observes Router router) {
        router.post(PATH).order(-150).handler(this::upload);
    }

    void upload(RoutingContext rc) {
        // Read the query before anything else: a malformed escape (?fileName=%zz), or bytes that are not UTF-8
        // (?fileName=q%FF.csv, which Vert.x would read as U+FFFD), throw here; thrown inside a callback they would leave
        // the request unanswered.
        String fileName;
        try {
            fileName = com.coinstream.graphql.RequestShape.queryParam(rc, "fileName");
        } catch (IllegalArgumentException e) {
            // (recorded as an attempt whose caller is not known yet: the token is not read for a request refused this early)
            refuse(rc, uncheckedAttempt(null), 400,
                    "BAD_REQUEST", "The query string is not valid URL encoding of UTF-8 text");
            return;
        }
        rc.request().pause();
        QuarkusHttpUser.getSecurityIdentity(rc, null).subscribe().with(identity -> {
            Optional<Caller> who = identity == null || identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken token)
                    || token.getSubject() == null ? Optional.empty() : Optional.of(Caller.from(token, defaultRegion));
            Upload upload = new Upload(fileName);
            AuditDraft draft = AdminActionInterceptor.draft(json, "importSettlementReport", who, upload);
            if (who.isEmpty()) {
                refuse(rc, draft, 401, "UNAUTHENTICATED", "Authentication required: send a valid bearer token in the Authorization header");
            } else if (!who.get().hasRole(Role.ADMIN)) {
                refuse(rc, draft, 403, "FORBIDDEN", "Your roles do not allow this operation");
            } else {
                importReport(rc, who.get(), upload, draft);
            }
        }, e -> refuse(rc, AdminActionInterceptor.draft(json, "importSettlementReport", Optional.empty(), new Upload(fileName)), 401,
                "UNAUTHENTICATED", "Authentication required: send a valid bearer token"));
    }

    /**
     * The body stopped arriving or broke off (a read timeout, a closed connection: what reading the upload's own stream
     * failed with, {@link Bounded.BodyBroken}), or the settlement lock was held too long: the client's to send again,
     * never INTERNAL. (The database client's own I/O failures are faults, answered INTERNAL and logged.)
     */
    private static boolean timedOut(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof io.smallrye.mutiny.TimeoutException || t instanceof java.util.concurrent.TimeoutException
                    || t instanceof Bounded.BodyBroken) {
                return true;
            }
        }
        return false;
    }

    private static JsonObject errors(String message, String code) {
        return CodedErrors.body(code, message);
    }

    private void importReport(RoutingContext rc, Caller admin, Upload upload, AuditDraft draft) {
        String length = rc.request().getHeader("Content-Length");
        if (length != null && length.matches("\\d{1,18}") && Long.parseLong(length) > maxBytes) {
            refuse(rc, draft, 413, "BAD_REQUEST", "A settlement report upload is at most " + maxBytes + " bytes");
            return;
        }
        Refusal refused = InputGate.check(upload);
        if (refused != null) {
            answer(rc, draft, 422, null, List.of(refused.error()));
            return;
        }
        String fileName = upload.fileName == null || upload.fileName.isBlank() ? null : upload.fileName.strip();
        InputStream body = new Bounded(new VertxInputStream(rc, READ_TIMEOUT_MS), maxBytes, BODY_DEADLINE);
        users.register(admin).flatMap(registered -> imports.importUpload(admin, fileName, body, draft)).subscribe().with(outcome -> {
            if (outcome.errors().isEmpty()) {
                answer(rc, null, 200, outcome.run(), List.of());
            } else {
                answer(rc, draft, 422, null, outcome.errors());
            }
        }, e -> {
            Optional<Refusal> refusal = Payloads.refusalIn(e);
            if (e instanceof Bounded.TooLarge || e.getCause() instanceof Bounded.TooLarge) {
                refuse(rc, draft, 413, "BAD_REQUEST", "A settlement report upload is at most " + maxBytes + " bytes");
            } else if (refusal.isPresent()) {
                refuse(rc, draft, refusal.get().httpStatus(), refusal.get().code().name(), refusal.get().getMessage());
            } else if (e instanceof io.quarkus.security.UnauthorizedException || e instanceof io.quarkus.security.AuthenticationFailedException) {
                // the database knows the admin as erased (this instance was not told yet)
                refuse(rc, draft, 401, "UNAUTHENTICATED", "This account has been erased");
            } else if (timedOut(e)) {
                refuse(rc, draft, 408, "BAD_REQUEST", "The report's body stopped arriving, or another import held the settlement lock too long; send it again");
            } else {
                LOG.error("settlement report upload failed", e);
                log.attempt(draft, AdminAuditLog.FAILED, "INTERNAL").subscribe().with(v -> { }, f -> { });
                send(rc, 500, errors("Internal error", "INTERNAL"));
            }
        });
    }

    /** A refused upload: audited (when it named itself as an admin's attempt), answered with a coded error. */
    private void refuse(RoutingContext rc, AuditDraft draft, int status, String code, String message) {
        Uni<Void> audited = draft == null ? Uni.createFrom().voidItem() : log.attempt(draft, AdminAuditLog.REFUSED, code);
        audited.subscribe().with(v -> send(rc, status, errors(message, code)), e -> send(rc, status, errors(message, code)));
    }

    private void answer(RoutingContext rc, AuditDraft refusedDraft, int status, Reconciliations.Run run, List<UserError> errors) {
        JsonObject body;
        try {
            body = new JsonObject().put("run", run == null ? null : JsonObject.mapFrom(ReconciliationApi.ReconciliationRun.of(run)))
                    .put("duplicate", run == null ? null : run.duplicate())
                    .put("userErrors", errors.stream().map(e -> new JsonObject().put("field", e.field()).put("message", e.message())
                            .put("code", e.code().name())).toList());
        } catch (RuntimeException e) {
            // (thrown in the import's callback it would have left the request unanswered; the run is listed in reconciliationRuns)
            LOG.error("a settlement report's answer could not be written", e);
            send(rc, 500, errors("Internal error: the report was read; see reconciliationRuns for its run", "INTERNAL"));
            return;
        }
        Uni<Void> audited = refusedDraft == null ? Uni.createFrom().voidItem()
                : log.attempt(refusedDraft, AdminAuditLog.REFUSED, ErrorCode.INVALID_INPUT.name());
        audited.subscribe().with(v -> send(rc, status, body), e -> send(rc, status, body));
    }

    /** The answer; then nothing more of a body not read whole is waited for (a refused upload's, or one cut off at its limit). */
    private static void send(RoutingContext rc, int status, JsonObject body) {
        if (!rc.response().ended()) {
            rc.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode())
                    .onComplete(sent -> RequestShape.abandonBody(rc));
        }
    }

    /** The body, counted as it is read: more than the limit fails the read (and the import) instead of being kept. */
    static final class Bounded extends FilterInputStream {
        private final long max;
        private final long deadline;
        private long read;
        /** Reading stopped early (too large, too slow, broken off): closing must not read the rest. */
        private boolean stopped;

        Bounded(InputStream in, long max, java.time.Duration within) {
            super(in);
            this.max = max;
            this.deadline = System.nanoTime() + within.toNanos();
        }

        @Override
        public int read() throws IOException {
            int b;
            try {
                b = super.read();
            } catch (IOException e) {
                throw stop(new BodyBroken(e));
            }
            count(b < 0 ? 0 : 1);
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n;
            try {
                n = super.read(buffer, offset, length);
            } catch (IOException e) {
                throw stop(new BodyBroken(e));
            }
            count(Math.max(0, n));
            return n;
        }

        private IOException stop(IOException why) {
            stopped = true;
            return why;
        }

        /** Reading the client's body failed: it stopped arriving (the read timeout) or the connection broke off. */
        static final class BodyBroken extends IOException {
            BodyBroken(IOException cause) {
                super("the upload's body stopped arriving or broke off", cause);
            }
        }

        private void count(int n) throws IOException {
            read += n;
            if (read > max) {
                throw stop(new TooLarge());
            }
            if (System.nanoTime() - deadline > 0) {
                throw stop(new BodyBroken(new IOException("the upload's body took longer than it may")));
            }
        }

        /**
         * Closed after reading stopped early: the rest is not read (Quarkus' stream reads a body to its end on close, a
         * minute a read: an endless body held the import's place, its thread and its file past both limits); the answer
         * then closes the connection ({@link RequestShape#abandonBody}).
         */
        @Override
        public void close() throws IOException {
            if (!stopped) {
                super.close();
            }
        }

        static final class TooLarge extends IOException {
            TooLarge() {
                super("upload too large", null);
            }
        }
    }
}
