package com.coinstream.reconciliation;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.coinstream.audit.AdminAuditLog;
import com.coinstream.audit.AuditDraft;
import com.coinstream.db.Cursors;
import com.coinstream.db.Transactions;
import com.coinstream.domain.Ids;
import com.coinstream.domain.Page;
import com.coinstream.identity.Caller;
import com.coinstream.ledger.AccountKey;
import com.coinstream.ledger.AccountPurpose;
import com.coinstream.ledger.Asset;
import com.coinstream.ledger.EntryDraft;
import com.coinstream.ledger.EntryKind;
import com.coinstream.ledger.Ledger;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Imports the payment provider's settlement reports and reconciles them with the ledger: every charge, refund and
 * dispute line against the purchases and reversals, and every purchase and reversal of the report's days against the
 * lines. Provider fees are booked once each, as one PROVIDER_FEE entry per report and currency.
 */
@ApplicationScoped
public class Reconciliations {
    static final int MAX_DIFFERENCES_SHOWN = 1000;
    private static final String RUN_COLUMNS = "r.id, r.seq, r.file_sha256, r.file_name, r.imported_by, r.imported_at, r.line_count, "
            + "r.period_from, r.period_to, (select count(*) from reconciliation_difference d where d.report_id = r.id) as differences, "
            + "(select coalesce(json_agg(json_build_object('currency', f.currency, 'minor', f.minor) order by f.currency), '[]')::text "
            + " from (select currency, sum(fee_minor) as minor from provider_fee where report_id = r.id group by currency) f) as fees";

    // Matching, in one statement: each kind of difference, numbered in line order (the report's own differences after).
    private static final String MATCH = """
            with lines as (select * from settlement_line where report_id = $1),
            charges as (select l.*, p.id as purchase_id, p.status, p.price_minor, p.currency as ledger_currency
                        from lines l left join purchase p on p.provider_ref = l.transaction_id where l.type = 'charge'),
            returns as (select l.*, p.id as purchase_id, p.status, p.price_minor, p.currency as ledger_currency, r.kind as reversal_kind
                        from lines l left join purchase p on p.provider_ref = l.transaction_id
                        left join purchase_reversal r on r.purchase_id = p.id where l.type in ('refund', 'dispute')),
            diffs as (
                select 'MISSING_IN_LEDGER' as kind, transaction_id, purchase_id, line_no, currency, amount_minor as expected,
                       ledger_currency, null::bigint as actual,
                       case when purchase_id is null then 'a charge of a payment the ledger has no purchase for'
                            else 'a charge of a purchase the ledger has as ' || status end as detail
                from charges where purchase_id is null or status in ('PENDING', 'FAILED')
                union all
                select 'CURRENCY_MISMATCH', transaction_id, purchase_id, line_no, currency, amount_minor, ledger_currency, price_minor,
                       'charged in ' || currency || ', the purchase is in ' || ledger_currency
                from charges where purchase_id is not null and status not in ('PENDING', 'FAILED') and currency <> ledger_currency
                union all
                select 'AMOUNT_MISMATCH', transaction_id, purchase_id, line_no, currency, amount_minor, ledger_currency, price_minor,
                       'the provider charged a different amount than the purchase''s price'
                from charges where purchase_id is not null and status not in ('PENDING', 'FAILED') and currency = ledger_currency
                    and amount_minor <> price_minor
                union all
                select 'MISSING_IN_LEDGER', transaction_id, null, line_no, currency, amount_minor, null, null,
                       'a ' || type || ' of a payment the ledger has no purchase for'
                from returns where purchase_id is null
                union all
                select 'REFUND_NOT_REVERSED', transaction_id, purchase_id, line_no, currency, amount_minor, ledger_currency, null,
                       case when type = 'refund' then 'the provider refunded this payment; the ledger never reversed the purchase'
                            else 'the provider lost a dispute on this payment; the ledger never reversed the purchase' end
                from returns where purchase_id is not null and reversal_kind is null
                union all
                select case when currency <> ledger_currency then 'CURRENCY_MISMATCH' else 'AMOUNT_MISMATCH' end, transaction_id, purchase_id,
                       line_no, currency, amount_minor, ledger_currency, price_minor, 'the ' || type || ' differs from the purchase it reverses'
                from returns where reversal_kind is not null and (currency <> ledger_currency or amount_minor <> price_minor)
                union all
                select 'MISSING_AT_PROVIDER', p.provider_ref, p.id, null, null, null, p.currency, p.price_minor,
                       'a ' || p.status || ' purchase the report has no charge for'
                from purchase p
                where p.provider = $2 and p.status in ('SUCCEEDED', 'REFUNDED', 'CHARGED_BACK') and p.created_at >= $3 and p.created_at < $4
                    and not exists (select 1 from lines l where l.type = 'charge' and l.transaction_id = p.provider_ref)
                union all
                select 'MISSING_AT_PROVIDER', p.provider_ref, p.id, null, null, null, p.currency, p.price_minor,
                       'a ' || r.kind || ' in the ledger the report has no ' || case when r.kind = 'REFUND' then 'refund' else 'dispute' end || ' for'
                from purchase_reversal r join purchase p on p.id = r.purchase_id
                where p.provider = $2 and r.created_at >= $3 and r.created_at < $4
                    and not exists (select 1 from lines l where l.type in ('refund', 'dispute') and l.transaction_id = p.provider_ref)
            )
            insert into reconciliation_difference (report_id, seq, kind, transaction_id, purchase_id, line_no, currency, expected_minor,
                                                   ledger_currency, actual_minor, detail)
            select $1, row_number() over (order by line_no nulls last, transaction_id, kind), kind, transaction_id, purchase_id, line_no,
                   currency, expected, ledger_currency, actual, detail
            from diffs
            """;

    private final Pool pool;
    private final Ledger ledger;
    private final Clock clock;
    private final AdminAuditLog adminLog;

    public Reconciliations(Pool pool, Ledger ledger, Clock clock, AdminAuditLog adminLog) {
        this.pool = pool;
        this.ledger = ledger;
        this.clock = clock;
        this.adminLog = adminLog;
    }

    public record Fee(String currency, long minor) {
    }

    public record Run(UUID id, long position, String fileSha256, String fileName, String importedBy, Instant importedAt, int lines,
            Instant periodFrom, Instant periodTo, long differenceCount, List<Fee> fees, boolean duplicate) {
    }

    public record Difference(int seq, String kind, String transactionId, UUID purchaseId, Integer lineNo, String currency,
            Long expectedMinor, String ledgerCurrency, Long actualMinor, String detail) {
    }

    /** Imports the parsed report (the caller checked it parsed) once per file content; a second import answers the first run. */
    public Uni<Run> importReport(Caller admin, String csv, String fileName, List<SettlementCsv.Line> lines, String provider, AuditDraft audit) {
        String sha = sha256(csv);
        UUID id = UUID.randomUUID();
        Instant now = clock.instant();
        Instant from = lines.stream().map(SettlementCsv.Line::occurredAt).min(Instant::compareTo).orElseThrow().truncatedTo(ChronoUnit.DAYS);
        Instant to = lines.stream().map(SettlementCsv.Line::occurredAt).max(Instant::compareTo).orElseThrow().truncatedTo(ChronoUnit.DAYS)
                .plus(1, ChronoUnit.DAYS);
        Map<String, Long> feesByCurrency = new LinkedHashMap<>();
        lines.stream().filter(l -> l.feeMinor() > 0).forEach(l -> feesByCurrency.merge(l.currency(), l.feeMinor(), Long::sum));
        return existing(sha).flatMap(found -> found != null ? answerDuplicate(found, audit)
                : prepareFeeEntries(id, now, feesByCurrency).flatMap(ready -> Transactions.retrying(pool, tx -> tx.preparedQuery(
                        "insert into settlement_report (id, file_sha256, file_name, imported_by, imported_at, line_count, period_from, period_to) "
                                + "values ($1, $2, $3, $4, $5, $6, $7, $8) on conflict (file_sha256) do nothing")
                        .execute(Tuple.from(List.of(id, sha, fileName == null ? "" : fileName, admin.userId(), utc(now), lines.size(), utc(from), utc(to))))
                        .flatMap(inserted -> inserted.rowCount() == 0 ? Uni.createFrom().item(false)
                                : insertLines(tx, id, lines)
                                        .flatMap(v -> tx.preparedQuery(MATCH).execute(Tuple.of(id, provider, utc(from), utc(to))))
                                        .flatMap(v -> bookFees(tx, id, now, ready))
                                        .call(v -> adminLog.append(tx, audit == null ? null : audit.target("reconciliationRun", id)))
                                        .replaceWith(true))))
                        .flatMap(created -> created ? run(id) : existing(sha).flatMap(earlier -> answerDuplicate(earlier, audit))));
    }

    /** A file imported before: its run again, the admin's attempt recorded (it changed nothing). */
    private Uni<Run> answerDuplicate(Run found, AuditDraft audit) {
        return pool.withTransaction(tx -> adminLog.append(tx, audit == null ? null : audit.target("reconciliationRun", found.id())))
                .replaceWith(found);
    }

    private Uni<Run> existing(String sha) {
        return pool.preparedQuery("select " + RUN_COLUMNS + " from settlement_report r where r.file_sha256 = $1").execute(Tuple.of(sha))
                .map(rows -> rows.iterator().hasNext() ? run(rows.iterator().next(), true) : null);
    }

    private static Uni<Void> insertLines(SqlClient tx, UUID report, List<SettlementCsv.Line> lines) {
        List<Tuple> rows = new ArrayList<>(lines.size());
        for (SettlementCsv.Line l : lines) {
            rows.add(Tuple.from(List.of(report, l.lineNo(), l.transactionId(), l.type(), l.amountMinor(), l.currency(), l.feeMinor(),
                    utc(l.occurredAt()))));
        }
        return tx.preparedQuery("insert into settlement_line (report_id, line_no, transaction_id, type, amount_minor, currency, fee_minor, "
                + "occurred_at) values ($1, $2, $3, $4, $5, $6, $7, $8)").executeBatch(rows).replaceWithVoid();
    }

    /** Fee entries per currency, prepared for the largest possible amounts (the exact ones are known in the transaction). */
    private Uni<Map<String, UUID>> prepareFeeEntries(UUID report, Instant now, Map<String, Long> fees) {
        Map<String, UUID> causes = new LinkedHashMap<>();
        fees.keySet().forEach(c -> causes.put(c, UUID.randomUUID()));
        if (fees.isEmpty()) {
            return Uni.createFrom().item(causes);
        }
        // make sure the accounts exist before the transaction (the ledger creates them on its own connection)
        return Multi.createFrom().iterable(fees.entrySet())
                .onItem().transformToUniAndConcatenate(e -> ledger.prepare(feeDraft(causes.get(e.getKey()), now, e.getKey(), 1)))
                .collect().last().replaceWith(causes);
    }

    private static EntryDraft feeDraft(UUID cause, Instant now, String currency, long minor) {
        return EntryDraft.of(EntryKind.PROVIDER_FEE, cause, now).memo("Payment provider fees (settlement report)")
                .move(AccountKey.platform(AccountPurpose.PROVIDER_FEES, Asset.cash(currency)),
                        AccountKey.platform(AccountPurpose.PAYMENT_CLEARING, Asset.cash(currency)), minor);
    }

    /** Books each line's fee not booked before (by an earlier, overlapping report): one entry per currency. */
    private Uni<Void> bookFees(SqlConnection tx, UUID report, Instant now, Map<String, UUID> causes) {
        return tx.preparedQuery("select l.transaction_id, l.type, l.currency, l.fee_minor from settlement_line l where l.report_id = $1 "
                + "and l.fee_minor > 0 and not exists (select 1 from provider_fee f where f.transaction_id = l.transaction_id and f.line_type = l.type) "
                + "order by l.line_no").execute(Tuple.of(report))
                .flatMap(rows -> {
                    Map<String, List<Row>> byCurrency = new LinkedHashMap<>();
                    rows.forEach(r -> byCurrency.computeIfAbsent(r.getString("currency"), k -> new ArrayList<>()).add(r));
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    for (Map.Entry<String, List<Row>> e : byCurrency.entrySet()) {
                        long total = e.getValue().stream().mapToLong(r -> r.getLong("fee_minor")).sum();
                        UUID cause = causes.get(e.getKey());
                        chain = chain.flatMap(v -> ledger.accounts().existing(tx, List.of(
                                AccountKey.platform(AccountPurpose.PROVIDER_FEES, Asset.cash(e.getKey())),
                                AccountKey.platform(AccountPurpose.PAYMENT_CLEARING, Asset.cash(e.getKey()))))
                                .flatMap(ids -> ledger.post(tx, ledger.prepared(feeDraft(cause, now, e.getKey(), total), ids)))
                                .flatMap(entryId -> {
                                    List<Tuple> fees = e.getValue().stream().map(r -> Tuple.from(List.of(UUID.randomUUID(), r.getString("transaction_id"),
                                            r.getString("type"), r.getString("currency"), r.getLong("fee_minor"), report, entryId, utc(now)))).toList();
                                    return tx.preparedQuery("insert into provider_fee (id, transaction_id, line_type, currency, fee_minor, report_id, "
                                            + "entry_id, created_at) values ($1, $2, $3, $4, $5, $6, $7, $8)").executeBatch(fees).replaceWithVoid();
                                }));
                    }
                    return chain;
                });
    }

    public Uni<Run> run(UUID id) {
        return pool.preparedQuery("select " + RUN_COLUMNS + " from settlement_report r where r.id = $1").execute(Tuple.of(id))
                .map(rows -> rows.iterator().hasNext() ? run(rows.iterator().next(), false) : null);
    }

    public Uni<Run> run(String id) {
        return Ids.parse(id).map(this::run).orElse(Uni.createFrom().nullItem());
    }

    /** Newest first. */
    public Uni<Page<Run>> runs(Integer first, String after) {
        int limit = Page.size(first);
        long before = Page.after(after);
        return pool.preparedQuery("select " + RUN_COLUMNS + " from settlement_report r where r.seq < $1 order by r.seq desc limit $2")
                .execute(Tuple.of(before, limit + 1)).map(rows -> {
                    List<Run> runs = new ArrayList<>();
                    rows.forEach(r -> runs.add(run(r, false)));
                    return Page.of(runs, limit, before != Long.MAX_VALUE, Run::position);
                });
    }

    public Uni<List<Difference>> differences(UUID run, int max) {
        return pool.preparedQuery("select seq, kind, transaction_id, purchase_id, line_no, currency, expected_minor, ledger_currency, actual_minor, detail "
                + "from reconciliation_difference where report_id = $1 order by seq limit $2").execute(Tuple.of(run, max))
                .map(rows -> {
                    List<Difference> out = new ArrayList<>();
                    rows.forEach(r -> out.add(difference(r)));
                    return out;
                });
    }

    /** All of a run's differences, streamed (for the CSV export). */
    public Multi<Difference> allDifferences(UUID run) {
        return Cursors.stream(pool, "select seq, kind, transaction_id, purchase_id, line_no, currency, expected_minor, "
                + "ledger_currency, actual_minor, detail from reconciliation_difference where report_id = $1 order by seq", Tuple.of(run))
                .map(Reconciliations::difference);
    }

    static Difference difference(Row r) {
        return new Difference(r.getInteger("seq"), r.getString("kind"), r.getString("transaction_id"), r.getUUID("purchase_id"),
                r.getInteger("line_no"), r.getString("currency"), r.getLong("expected_minor"), r.getString("ledger_currency"), r.getLong("actual_minor"),
                r.getString("detail"));
    }

    private static Run run(Row r, boolean duplicate) {
        List<Fee> fees = new ArrayList<>();
        JsonArray array = new JsonArray(r.getString("fees"));
        for (int i = 0; i < array.size(); i++) {
            fees.add(new Fee(array.getJsonObject(i).getString("currency"), array.getJsonObject(i).getLong("minor")));
        }
        return new Run(r.getUUID("id"), r.getLong("seq"), r.getString("file_sha256"), r.getString("file_name"), r.getString("imported_by"),
                r.getOffsetDateTime("imported_at").toInstant(), r.getInteger("line_count"), r.getOffsetDateTime("period_from").toInstant(),
                r.getOffsetDateTime("period_to").toInstant(), r.getLong("differences"), fees, duplicate);
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static OffsetDateTime utc(Instant at) {
        return at.atOffset(ZoneOffset.UTC);
    }
}
