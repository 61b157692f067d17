package com.coinstream.statements;

import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;

import org.jboss.resteasy.reactive.RestMulti;

import com.coinstream.domain.BadInput;
import com.coinstream.db.Cursors;
import com.coinstream.domain.ErrorCode;
import com.coinstream.domain.Money;
import com.coinstream.domain.Refusal;
import com.coinstream.identity.Caller;
import com.coinstream.identity.CurrentCaller;
import com.coinstream.identity.ErasedAccounts;
import com.coinstream.identity.Role;
import com.coinstream.reconciliation.SettlementCsv;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;

/**
 * CSV downloads with the same bearer token as the API: a creator's statement and the gifts they received, a person's
 * purchase, gift and refund history. Streamed: rows leave as the database cursor yields them.
 */
@Path("/exports")
public class StatementExports {
    /** Rows per write: one write per row costs more than the row. */
    static final int CHUNK = 256;
    static final String STATEMENT_HEADER = "line,reference,description,gifts,diamonds,amount,currency,date\n";
    static final String GIFTS_HEADER = "date,gift_event_id,stream_id,gift,quantity,coins,diamonds,sender,reversed\n";
    static final String HISTORY_HEADER = "date,kind,id,coins,amount,currency,detail\n";
    private final Statements statements;
    private final CurrentCaller caller;
    private final ErasedAccounts erased;

    public StatementExports(Statements statements, CurrentCaller caller, ErasedAccounts erased) {
        this.statements = statements;
        this.caller = caller;
        this.erased = erased;
    }

    @GET
    @Path("/statements/{month}.csv")
    @Produces("text/csv")
    @RolesAllowed(Role.CREATOR)
    public Multi<String> statement(@PathParam("month") String month) {
        YearMonth m = month(month);
        // built whole (at most MAX_STREAM_LINES streams) before the response starts: a refusal (the creator's statements
        // building at once, RATE_LIMITED) is then a coded answer, not a cut 200
        return download(caller.get().invoke(c -> Cursors.DOWNLOADS.check(c.userId()))
                .flatMap(c -> statements.statement(c.userId(), m).map(s -> new Ready<>(c, statementLines(s)))),
                lines -> Multi.createFrom().iterable(lines), STATEMENT_HEADER, "statement-" + m + ".csv");
    }

    static List<String> statementLines(Statements.Statement s) {
        List<String> out = new ArrayList<>();
        out.add(row("opening_pending", "", "pending diamonds at " + s.from(), "", s.opening().pending(), null, null, s.from()));
        out.add(row("opening_available", "", "available diamonds at " + s.from(), "", s.opening().available(), null, null, s.from()));
        out.add(row("opening_in_payout", "", "diamonds in payout at " + s.from(), "", s.opening().inPayout(), null, null, s.from()));
        for (Statements.StreamLine l : s.streams()) {
            out.add(row("stream", l.streamId(), l.title(), l.gifts(), l.diamonds(), null, null, l.startedAt()));
        }
        if (s.otherStreams().streams() > 0) {
            out.add(row("other_streams", "", s.otherStreams().streams() + " more streams, summed", s.otherStreams().gifts(),
                    s.otherStreams().diamonds(), null, null, ""));
        }
        out.add(row("earned", "", "diamonds credited by gifts", "", s.earned(), null, null, ""));
        out.add(row("reversed", "", "pending diamonds removed by refunds and chargebacks", "", -s.reversed(), null, null, ""));
        out.add(row("matured", "", "diamonds past the hold, to available", "", s.matured(), null, null, ""));
        out.add(row("payouts_requested", "", "diamonds set aside for payouts", "", -s.payoutsRequested(), null, null, ""));
        out.add(row("paid_out", "", "diamonds paid out", "", -s.paidOut(), null, null, ""));
        out.add(row("payouts_returned", "", "diamonds of rejected or failed payouts", "", s.payoutsReturned(), null, null, ""));
        for (Statements.PayoutLine p : s.payouts()) {
            out.add(row("payout", p.externalReference() == null ? p.payoutId() : p.externalReference(), "payout " + p.payoutId() + " " + p.status(),
                    "", p.diamonds(), Money.ofMinor(p.amountMinor(), p.currency()).getAmount(), p.currency(), p.closedAt()));
        }
        out.add(row("closing_pending", "", "pending diamonds at " + s.to(), "", s.closing().pending(), null, null, s.to()));
        out.add(row("closing_available", "", "available diamonds at " + s.to(), "", s.closing().available(), null, null, s.to()));
        out.add(row("closing_in_payout", "", "diamonds in payout at " + s.to(), "", s.closing().inPayout(), null, null, s.to()));
        return out;
    }

    @GET
    @Path("/gifts-received.csv")
    @Produces("text/csv")
    @RolesAllowed(Role.CREATOR)
    public Multi<String> giftsReceived(@QueryParam("month") String month) {
        YearMonth m = month(month);
        return download(ready(caller.get()), c -> statements.giftsReceived(c.userId(), m).map(r -> String.join(",",
                SettlementCsv.field(r.getOffsetDateTime("created_at").toInstant()), SettlementCsv.field(r.getUUID("id")),
                SettlementCsv.field(r.getUUID("stream_id")), SettlementCsv.field(r.getString("gift")), SettlementCsv.field(r.getInteger("quantity")),
                SettlementCsv.field(r.getLong("coins")), SettlementCsv.field(r.getLong("diamonds")), SettlementCsv.field(r.getString("sender")),
                SettlementCsv.field(r.getBoolean("reversed"))) + "\n"), GIFTS_HEADER, "gifts-received-" + m + ".csv");
    }

    @GET
    @Path("/history.csv")
    @Produces("text/csv")
    @RolesAllowed({ Role.VIEWER, Role.CREATOR, Role.ADMIN })
    public Multi<String> history() {
        return download(ready(caller.get()), c -> statements.history(c.userId()).map(StatementExports::historyLine), HISTORY_HEADER,
                "history.csv");
    }

    static String historyLine(Row r) {
        Long amount = r.getLong("amount_minor");
        String currency = r.getString("currency");
        return String.join(",", SettlementCsv.field(r.getOffsetDateTime("at").toInstant()), SettlementCsv.field(r.getString("kind")),
                SettlementCsv.field(r.getString("id")), SettlementCsv.field(r.getLong("coins")),
                SettlementCsv.field(amount == null ? null : Money.ofMinor(amount, currency).getAmount()), SettlementCsv.field(currency),
                SettlementCsv.field(r.getString("detail"))) + "\n";
    }

    private static String row(String line, Object reference, String description, Object gifts, long diamonds, String amount, String currency,
            Object date) {
        return String.join(",", line, SettlementCsv.field(reference), SettlementCsv.field(description), SettlementCsv.field(gifts),
                Long.toString(diamonds), SettlementCsv.field(amount), SettlementCsv.field(currency), SettlementCsv.field(date)) + "\n";
    }

    private static YearMonth month(String month) {
        try {
            return Statements.month(month);
        } catch (BadInput e) {
            throw new Refusal(ErrorCode.INVALID_INPUT, e.getMessage(), "month");
        }
    }

    /** A download's caller, and what is prepared for it before its response starts. */
    private record Ready<T>(Caller caller, T prepared) {
    }

    private static Uni<Ready<Caller>> ready(Uni<Caller> who) {
        return who.map(c -> new Ready<>(c, c));
    }

    /**
     * The caller is resolved (and refused, with 401, if their account is gone), and whatever is prepared before the
     * response starts, with every refusal coded; then the header line and the rows stream, in the caller's one download
     * place (Cursors.DOWNLOADS), broken off at an erasure meanwhile (the caller's or anyone's its rows may name).
     */
    private <T> Multi<String> download(Uni<Ready<T>> ready, Function<T, Multi<String>> rows, String header, String name) {
        // (the database asked before the first byte: an erasure committed on another instance a moment ago, which this one
        // has not heard of yet, refuses the download as it refuses the person's next request)
        return RestMulti.fromUniResponse(ready.invoke(r -> Cursors.DOWNLOADS.check(r.caller().userId()))
                .call(r -> erased.unlessErasedMeanwhile(r.caller().userId(), Uni.createFrom().item(r))),
                r -> Cursors.DOWNLOADS.stream(r.caller().userId(), () -> erased.cutOffAtAnErasure(r.caller().userId(),
                        Multi.createBy().concatenating().streams(Multi.createFrom().item(header),
                                rows.apply(r.prepared()).group().intoLists().of(CHUNK).map(lines -> String.join("", lines))))),
                r -> Map.of("Content-Disposition", List.of("attachment; filename=\"" + name + "\"")));
    }
}
