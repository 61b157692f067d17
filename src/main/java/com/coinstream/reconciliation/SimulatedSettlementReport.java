package com.coinstream.reconciliation;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;

import com.coinstream.db.Cursors;
import com.coinstream.domain.Money;
import com.coinstream.domain.Times;
import com.coinstream.identity.Role;
import com.coinstream.purchase.PaymentSettings;
import com.coinstream.purchase.SimulatedPaymentGateway;

import io.smallrye.mutiny.Multi;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The simulated payment provider's settlement report for its own transactions of [from, to) (UTC days), in the format
 * importSettlementReport takes: a charge per purchase it settled (fee 2.9 % + 0.30), a refund per refund (no fee) and a
 * dispute per chargeback (fee 15.00). Only when the simulated provider is the configured one; admin token.
 */
@Path("/dev/settlement-report")
public class SimulatedSettlementReport {
    private final Cursors cursors;
    private final PaymentSettings payments;
    private final com.coinstream.identity.CurrentCaller caller;

    public SimulatedSettlementReport(PaymentSettings payments, Cursors cursors, com.coinstream.identity.CurrentCaller caller) {
        this.cursors = cursors;
        this.payments = payments;
        this.caller = caller;
    }

    @GET
    @Produces("text/csv")
    @RolesAllowed(Role.ADMIN)
    public Multi<String> report(@QueryParam("from") String from, @QueryParam("to") String to) {
        if (!SimulatedPaymentGateway.NAME.equals(payments.gateway().name())) {
            throw new com.coinstream.domain.Refusal(com.coinstream.domain.ErrorCode.NOT_FOUND,
                    "No simulated settlement report: the payment provider configured is not the simulated one");
        }
        LocalDate start;
        LocalDate end;
        try {
            start = LocalDate.parse(from);
            end = LocalDate.parse(to);
        } catch (DateTimeParseException | NullPointerException e) {
            throw new BadRequestException("from and to are required, as YYYY-MM-DD (UTC days; to is exclusive)");
        }
        if (!Times.inWindow(start.atStartOfDay().toInstant(java.time.ZoneOffset.UTC)) || !Times.inWindow(end.atStartOfDay().toInstant(java.time.ZoneOffset.UTC))) {
            // (checked before the first line is sent: a date PostgreSQL cannot hold would break the stream half-way)
            throw new BadRequestException("from and to must be days from " + Times.EARLIEST + " to " + Times.LATEST);
        }
        Times.requireOrdered(start.atStartOfDay().toInstant(java.time.ZoneOffset.UTC), end.atStartOfDay().toInstant(java.time.ZoneOffset.UTC),
                "to");
        String sql = """
                -- a charge is dated when the money was taken (the purchase's PURCHASE entry), as a provider settles it
                select p.provider_ref as id, 'charge' as type, p.price_minor as amount, p.currency, settled.at, settled.at as sort
                from purchase p
                cross join lateral (select e.created_at as at from journal_entry e where e.cause_id = p.id and e.kind = 'PURCHASE' limit 1) settled
                where p.provider = $1 and p.provider_ref is not null and p.status in ('SUCCEEDED', 'REFUNDED', 'CHARGED_BACK')
                    and p.created_at < $3 and p.created_at >= $2::timestamptz - interval '30 days' and settled.at >= $2 and settled.at < $3
                union all
                select p.provider_ref, case when r.kind = 'REFUND' then 'refund' else 'dispute' end, p.price_minor, p.currency, r.created_at,
                       r.created_at
                from purchase_reversal r join purchase p on p.id = r.purchase_id
                where p.provider = $1 and p.provider_ref is not null and r.created_at >= $2 and r.created_at < $3
                order by sort, id, type
                """;
        Tuple range = Tuple.of(SimulatedPaymentGateway.NAME, start.atStartOfDay().atOffset(ZoneOffset.UTC), end.atStartOfDay().atOffset(ZoneOffset.UTC));
        // a download as every other: one at a time per person (Cursors.DOWNLOADS), never kept in a cache, saved as a file
        Multi<String> report = caller.get().invoke(c -> Cursors.DOWNLOADS.check(c.userId())).toMulti()
                .flatMap(c -> Cursors.DOWNLOADS.stream(c.userId(), () -> Multi.createBy().concatenating().streams(
                        Multi.createFrom().item(String.join(",", SettlementCsv.COLUMNS) + "\n"),
                        cursors.stream(sql, range).map(SimulatedSettlementReport::line))));
        return org.jboss.resteasy.reactive.RestMulti.fromMultiData(report).header("Cache-Control", "no-store")
                .header("Content-Disposition", "attachment; filename=\"settlement-" + start + "-" + end + ".csv\"").build();
    }

    static String line(Row r) {
        String currency = r.getString("currency");
        long amount = r.getLong("amount");
        String type = r.getString("type");
        return String.join(",", SettlementCsv.field(r.getString("id")), type, Money.ofMinor(amount, currency).getAmount(), currency,
                Money.ofMinor(fee(type, amount, currency), currency).getAmount(), r.getOffsetDateTime("at").toInstant().toString()) + "\n";
    }

    /** The simulated provider's fees: 2.9 % + 0.30 per charge (in the currency's minor units), 15.00 per dispute, none per refund. */
    static long fee(String type, long amountMinor, String currency) {
        long unit = (long) Math.pow(10, Money.fractionDigits(currency));
        return switch (type) {
            case "charge" -> (amountMinor * 29 + 500) / 1000 + 30 * unit / 100;
            case "dispute" -> 15 * unit;
            default -> 0;
        };
    }
}
