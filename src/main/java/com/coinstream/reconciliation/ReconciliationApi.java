package com.coinstream.reconciliation;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;

import org.eclipse.microprofile.graphql.DefaultValue;
import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.GraphQLApi;
import org.eclipse.microprofile.graphql.Id;
import org.eclipse.microprofile.graphql.Input;
import org.eclipse.microprofile.graphql.Mutation;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Query;
import org.eclipse.microprofile.graphql.Source;
import org.eclipse.microprofile.graphql.Type;

import com.coinstream.audit.AuditDraft;
import com.coinstream.domain.ErrorCode;
import com.coinstream.domain.Money;
import com.coinstream.domain.Page;
import com.coinstream.domain.PageInfo;
import com.coinstream.domain.Refusal;
import com.coinstream.domain.UserError;
import com.coinstream.graphql.AdminAction;
import com.coinstream.graphql.AdminActions;
import com.coinstream.graphql.ApiSecurity;
import com.coinstream.graphql.Payloads;
import com.coinstream.graphql.PersonText;
import com.coinstream.graphql.Range;
import com.coinstream.identity.CurrentCaller;
import com.coinstream.identity.Role;

import io.smallrye.mutiny.Uni;

/** Reconciliation with the payment provider's settlement reports (README "Reconciliation"). Admins only. */
@GraphQLApi
@ApiSecurity
public class ReconciliationApi {
    private final CurrentCaller caller;
    private final Reconciliations reconciliations;
    private final SettlementImports imports;
    private final Payloads payloads;
    private final AdminActions actions;

    public ReconciliationApi(CurrentCaller caller, Reconciliations reconciliations, SettlementImports imports, Payloads payloads,
            AdminActions actions) {
        this.caller = caller;
        this.reconciliations = reconciliations;
        this.imports = imports;
        this.payloads = payloads;
        this.actions = actions;
    }

    @Mutation("importSettlementReport")
    @Description("Admin: import the payment provider's settlement report (CSV, README \"Reconciliation\") and reconcile it with the ledger. The same file imported again changes nothing and answers the first run (duplicate: true). A malformed file imports nothing: one userError per bad line.")
    @RolesAllowed(Role.ADMIN)
    @AdminAction("importSettlementReport")
    public Uni<@NonNull ImportSettlementReportPayload> importSettlementReport(@NonNull ImportSettlementReportInput input) {
        AuditDraft audit = actions.draft();
        return payloads.orRefusal(caller.get().flatMap(c -> imports.importReport(c, input.fileName,
                new ByteArrayInputStream(input.csv.getBytes(StandardCharsets.UTF_8)), audit))
                // another import held the settlement lock past the wait: a lost race, the client's to send again
                .onFailure(e -> e instanceof io.smallrye.mutiny.TimeoutException || e instanceof java.util.concurrent.TimeoutException)
                .transform(e -> new Refusal(ErrorCode.CONFLICT, "Another settlement import took too long to finish; send this report again",
                        "input", "csv"))
                .map(this::payload),
                e -> new ImportSettlementReportPayload(null, null, List.of(e)));
    }

    private ImportSettlementReportPayload payload(SettlementImports.Outcome outcome) {
        if (!outcome.errors().isEmpty()) {
            outcome.errors().forEach(payloads::refused);
            return new ImportSettlementReportPayload(null, null, outcome.errors());
        }
        return new ImportSettlementReportPayload(ReconciliationRun.of(outcome.run()), outcome.run().duplicate(), List.of());
    }

    @Query("reconciliationRuns")
    @Description("Admin: the imported settlement reports and what each found, newest first.")
    @RolesAllowed(Role.ADMIN)
    public Uni<@NonNull ReconciliationRunConnection> reconciliationRuns(Integer first, String after) {
        return Payloads.guarded(() -> reconciliations.runs(first, after)).map(ReconciliationRunConnection::of);
    }

    @Query("reconciliationRun")
    @Description("Admin: one reconciliation run, or null.")
    @RolesAllowed(Role.ADMIN)
    public Uni<ReconciliationRun> reconciliationRun(@NonNull @Id String id) {
        return reconciliations.run(id).map(r -> r == null ? null : ReconciliationRun.of(r));
    }

    @Description("The differences, in line order (`first`: 0-1000 here; the CSV at csvPath has them all).")
    public Uni<@NonNull List<@NonNull ReconciliationDifference>> differences(@Source ReconciliationRun run,
            @DefaultValue("100") @Range(min = 0, max = Reconciliations.MAX_DIFFERENCES_SHOWN) Integer first) {
        return reconciliations.differences(UUID.fromString(run.id()), first)
                .map(list -> list.stream().map(ReconciliationDifference::of).toList());
    }

    @Input("ImportSettlementReportInput")
    public static class ImportSettlementReportInput {
        @PersonText(max = PersonText.UNBOUNDED, multiline = true)
        @NonNull
        @Description("The report: CSV with the header transaction_id,type,amount,currency,fee,date.")
        public String csv;
        @PersonText(max = 255)
        @Description("The file's name, for the record.")
        public String fileName;
    }

    @Type("ImportSettlementReportPayload")
    public record ImportSettlementReportPayload(ReconciliationRun run,
            @Description("True when this file had been imported before (nothing changed).") Boolean duplicate,
            @NonNull List<@NonNull UserError> userErrors) {
    }

    @Type("ReconciliationRun")
    public record ReconciliationRun(@NonNull @Id String id, String fileName, @NonNull String fileSha256, @NonNull @Id String importedBy,
            @NonNull Instant importedAt, int lines, @NonNull @Description("The report's first day (UTC).") Instant periodFrom,
            @NonNull @Description("The day after its last.") Instant periodTo, long differenceCount,
            @NonNull @Description("Provider fees booked by this run, per currency (a fee already booked by an overlapping report is not booked again).") List<@NonNull Money> feesBooked,
            @NonNull @Description("The differences as CSV (GET, admin token).") String csvPath) {
        static ReconciliationRun of(Reconciliations.Run r) {
            return new ReconciliationRun(r.id().toString(), r.fileName(), r.fileSha256(), r.importedBy(), r.importedAt(), r.lines(),
                    r.periodFrom(), r.periodTo(), r.differenceCount(), r.fees().stream().map(f -> Money.ofMinor(f.minor(), f.currency())).toList(),
                    "/exports/reconciliation/" + r.id() + ".csv");
        }
    }

    public enum DifferenceKind {
        MISSING_IN_LEDGER, MISSING_AT_PROVIDER, AMOUNT_MISMATCH, CURRENCY_MISMATCH, REFUND_NOT_REVERSED
    }

    @Type("ReconciliationDifference")
    public record ReconciliationDifference(@NonNull DifferenceKind kind, String transactionId, @Id String purchaseId,
            @Description("The report's line (1 is the header); null for what only the ledger has.") Integer line,
            @Description("What the report says.") Money provider, @Description("What the ledger says.") Money ledger, @NonNull String detail) {
        static ReconciliationDifference of(Reconciliations.Difference d) {
            return new ReconciliationDifference(DifferenceKind.valueOf(d.kind()), d.transactionId(),
                    d.purchaseId() == null ? null : d.purchaseId().toString(), d.lineNo(),
                    d.expectedMinor() == null ? null : Money.ofMinor(d.expectedMinor(), d.currency()),
                    d.actualMinor() == null ? null : Money.ofMinor(d.actualMinor(), d.ledgerCurrency()), d.detail());
        }
    }

    @Type("ReconciliationRunConnection")
    public record ReconciliationRunConnection(@NonNull List<@NonNull Edge> edges, @NonNull List<@NonNull ReconciliationRun> nodes,
            @NonNull PageInfo pageInfo) {
        static ReconciliationRunConnection of(Page<Reconciliations.Run> page) {
            Page<ReconciliationRun> views = page.map(ReconciliationRun::of);
            return new ReconciliationRunConnection(views.edges(Edge::new), views.nodes(), views.pageInfo());
        }
    }

    @Type("ReconciliationRunEdge")
    public record Edge(@NonNull String cursor, @NonNull ReconciliationRun node) {
    }
}
