package com.coinstream.reconciliation;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;

import org.jboss.resteasy.reactive.RestMulti;

import com.coinstream.domain.ErrorCode;
import com.coinstream.domain.Ids;
import com.coinstream.domain.Money;
import com.coinstream.domain.Refusal;
import com.coinstream.identity.Role;

import io.smallrye.mutiny.Multi;

/** A run's differences as CSV, streamed (admin token). */
@Path("/exports/reconciliation")
public class ReconciliationExport {
    static final String HEADER = "seq,kind,transaction_id,purchase_id,line,provider_amount,provider_currency,ledger_amount,ledger_currency,detail\n";
    private final Reconciliations reconciliations;
    private final com.coinstream.identity.CurrentCaller caller;

    public ReconciliationExport(Reconciliations reconciliations, com.coinstream.identity.CurrentCaller caller) {
        this.reconciliations = reconciliations;
        this.caller = caller;
    }

    @GET
    @Path("/{id}.csv")
    @Produces("text/csv")
    @RolesAllowed(Role.ADMIN)
    public Multi<String> differences(@PathParam("id") String id) {
        var run = Ids.parse(id).orElseThrow(ReconciliationExport::noSuchRun);
        // one download at a time per person, as every download (Cursors.DOWNLOADS)
        Multi<String> rows = caller.get().invoke(c -> com.coinstream.db.Cursors.DOWNLOADS.check(c.userId())).toMulti()
                .flatMap(c -> com.coinstream.db.Cursors.DOWNLOADS.stream(c.userId(), () -> reconciliations.run(run).onItem().ifNull()
                        .failWith(ReconciliationExport::noSuchRun).toMulti()
                        .flatMap(r -> Multi.createBy().concatenating().streams(Multi.createFrom().item(HEADER),
                                reconciliations.allDifferences(run).map(ReconciliationExport::line).group().intoLists().of(256)
                                        .map(lines -> String.join("", lines))))));
        return RestMulti.fromMultiData(rows).header("Content-Disposition", "attachment; filename=\"reconciliation-" + run + ".csv\"").build();
    }

    private static Refusal noSuchRun() {
        return new Refusal(ErrorCode.NOT_FOUND, "No such reconciliation run", "id");
    }

    static String line(Reconciliations.Difference d) {
        return String.join(",", SettlementCsv.field(d.seq()), SettlementCsv.field(d.kind()), SettlementCsv.field(d.transactionId()),
                SettlementCsv.field(d.purchaseId()), SettlementCsv.field(d.lineNo()),
                SettlementCsv.field(d.expectedMinor() == null ? null : Money.ofMinor(d.expectedMinor(), d.currency()).getAmount()),
                SettlementCsv.field(d.currency()),
                SettlementCsv.field(d.actualMinor() == null ? null : Money.ofMinor(d.actualMinor(), d.ledgerCurrency()).getAmount()),
                SettlementCsv.field(d.ledgerCurrency()), SettlementCsv.field(d.detail())) + "\n";
    }
}
