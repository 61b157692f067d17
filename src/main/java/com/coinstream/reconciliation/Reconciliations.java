package com.coinstream.reconciliation;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
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
import com.coinstream.db.AdvisoryLocks;
import com.coinstream.db.Cursors;
import com.coinstream.db.Transactions;
import com.coinstream.domain.ErrorCode;
import com.coinstream.domain.Ids;
import com.coinstream.domain.Page;
import com.coinstream.domain.Refusal;
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
import io.vertx.mutiny.sqlclient.Transaction;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Imports the payment provider's settlement reports and reconciles them with the ledger: every charge, refund and
 * dispute line against the purchases and reversals, and every purchase and reversal of the report's days against the
 * lines. Provider fees are booked once each, as one PROVIDER_FEE entry per report and currency.
 */
@ApplicationScoped
public class Reconciliations {
    /** The name the runs' cursors are made with (Page). */
    private static final String RUNS = "reconciliationRuns";
    static final int MAX_DIFFERENCES_SHOWN = 1000;
    /**
     * The longest period one report may cover, in days (a quarter): the matching compares every purchase and reversal
     * of the period, and one mistyped date (2000-01-01) made that every purchase ever, under the settlement lock.
     */
    static final int MAX_PERIOD_DAYS = 92;
    /** Lines inserted per statement while a report streams in. */
    private static final int BATCH = 1000;
    private static final Duration AWAIT = Duration.ofMinutes(5);
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
                select 'MISSING_IN_LEDGER', transaction_id, purchase_id, line_no, currency, amount_minor, ledger_currency, null,
                       case when purchase_id is null then 'a ' || type || ' of a payment the ledger has no purchase for'
                            else 'a ' || type || ' of a purchase the ledger has as ' || status || ' (it never took the money)' end
                from returns where purchase_id is null or status in ('PENDING', 'FAILED')
                union all
                -- (a purchase the provider refunded before it succeeded is closed REFUNDED / CHARGED_BACK with no reversal: nothing to reverse)
                select 'REFUND_NOT_REVERSED', transaction_id, purchase_id, line_no, currency, amount_minor, ledger_currency, null,
                       case when type = 'refund' then 'the provider refunded this payment; the ledger never reversed the purchase'
                            else 'the provider lost a dispute on this payment; the ledger never reversed the purchase' end
                from returns where purchase_id is not null and status = 'SUCCEEDED' and reversal_kind is null
                union all
                select case when currency <> ledger_currency then 'CURRENCY_MISMATCH' else 'AMOUNT_MISMATCH' end, transaction_id, purchase_id,
                       line_no, currency, amount_minor, ledger_currency, price_minor, 'the ' || type || ' differs from the purchase it reverses'
                from returns where reversal_kind is not null and (currency <> ledger_currency or amount_minor <> price_minor)
                union all
                select 'MISSING_AT_PROVIDER', p.provider_ref, p.id, null, null, null, p.currency, p.price_minor,
                       'a ' || p.status || ' purchase the report has no charge for'
                from purchase p
                -- settled on the report's days: by the time of its PURCHASE entry (the money taken), not when it was
                -- asked for (an asynchronous payment asked for just before midnight settles on the next day's report)
                cross join lateral (select e.created_at from journal_entry e where e.cause_id = p.id and e.kind = 'PURCHASE' limit 1) settled
                where p.provider = $2 and p.status in ('SUCCEEDED', 'REFUNDED', 'CHARGED_BACK') and p.created_at < $4
                    -- (asked for at most 30 days before: a payment is confirmed within days, and the scan stays bounded)
                    and p.created_at >= $3::timestamptz - interval '30 days'
                    and settled.created_at >= $3 and settled.created_at < $4
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
    private final Cursors cursors;
    private final Ledger ledger;
    private final Clock clock;
    private final AdminAuditLog adminLog;

    private final java.util.function.Supplier<Pool> imports;

    /**
     * Imports run on connections of their own, {@value #IMPORT_CONNECTIONS} per instance: an import holds one while it
     * waits for the settlement lock (another import matching a big report), and those must never be the API's, nor the
     * ones the import itself needs meanwhile (the ledger's account ids). More imports at once wait for one.
     */
    static final int IMPORT_CONNECTIONS = 2;


    public Reconciliations(Pool pool, Ledger ledger, Clock clock, AdminAuditLog adminLog, Cursors cursors, com.coinstream.db.DedicatedPools pools) {
        // (callers wait for one as long as for the settlement lock, less a margin: the pool itself gives up on a request, so
        // no connection it hands out later is left with nobody to close it)
        this.imports = pools.lazy("imports", IMPORT_CONNECTIONS, AWAIT.minusSeconds(10));
        this.pool = pool;
        this.cursors = cursors;
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

    /** What an import did: its run (new, or the earlier one of the same bytes, {@code duplicate}), or why the file was refused. */
    public record Imported(Run run, List<String> errors) {
    }

    /**
     * Imports a report read from {@code body}, in constant memory: lines go to the database in batches as they are read
     * (the report's own row follows them, V19), in one transaction, matched and booked under the settlement lock taken once the body is read (so overlapping reports book each fee once), and are matched there. A
     * report with a bad line imports nothing; the same bytes imported again change nothing and answer the first run.
     * Blocking: call it on a worker thread, never on the event loop.
     */
    public Imported importReport(Caller admin, String fileName, InputStream body, String provider, AuditDraft audit) {
        MessageDigest sha = sha256();
        UUID id = UUID.randomUUID();
        Instant now = clock.instant();
        SqlConnection conn = await(com.coinstream.db.DatabaseErrors.busyPoolRefused(imports.get().getConnection(),
                () -> new Refusal(ErrorCode.CONFLICT, "Other imports held this instance's import connections too long; send the report again")));
        Transaction tx = null;
        try (SettlementCsv.Reader reader = new SettlementCsv.Reader(new InputStreamReader(new DigestInputStream(body, sha), com.coinstream.domain.Text.strictUtf8()))) {
            tx = await(conn.begin());
            List<Tuple> batch = new ArrayList<>(BATCH);
            for (SettlementCsv.Line l = reader.next(); l != null; l = reader.next()) {
                if (reader.bad() == 0) { // once a line is bad nothing is kept: the rest is only read to name its errors
                    batch.add(Tuple.from(List.of(id, l.lineNo(), l.transactionId(), l.type(), l.amountMinor(), l.currency(), l.feeMinor(),
                            utc(l.occurredAt()))));
                    if (batch.size() == BATCH) {
                        insertLines(conn, batch);
                    }
                }
            }
            List<String> errors = reader.finish();
            if (errors.isEmpty()) {
                insertLines(conn, batch);
                errors = duplicateLines(conn, id);
            }
            if (!errors.isEmpty()) {
                return new Imported(null, errors);
            }
            // The settlement lock only now that the whole body is read and staged (under this run's own id): a slow
            // upload holds no lock, and an overlapping import waits for the matching and booking only.
            await(AdvisoryLocks.exclusive(conn, AdvisoryLocks.Namespace.SETTLEMENT, "reports"));
            String fileSha256 = HexFormat.of().formatHex(sha.digest());
            Run earlier = await(existing(conn, fileSha256));
            if (earlier != null) {
                await(adminLog.replayed(audit));
                return new Imported(earlier, List.of());
            }
            errors = settle(conn, id, fileSha256, fileName, admin, now, provider, audit);
            if (!errors.isEmpty()) {
                return new Imported(null, errors);
            }
            // the answer read in the transaction, before it commits: a read after it that failed would answer an error
            // for an import that committed
            Run done = await(conn.preparedQuery("select " + RUN_COLUMNS + " from settlement_report r where r.id = $1").execute(Tuple.of(id))
                    .map(rows -> run(rows.iterator().next(), false)));
            await(tx.commit());
            tx = null;
            return new Imported(done, List.of());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (tx != null) {
                tx.rollback().subscribe().with(ignored -> conn.close().subscribe().with(v -> { }, e -> { }), e -> conn.close().subscribe().with(v -> { }, f -> { }));
            } else {
                conn.close().subscribe().with(v -> { }, e -> { });
            }
        }
    }

    /** The report's lines are in: its period, the matching, the fees, the audit record. Errors when its fees overflow. */
    private List<String> settle(SqlConnection conn, UUID id, String sha, String fileName, Caller admin, Instant now, String provider,
            AuditDraft audit) {
        Row period = await(conn.preparedQuery("select min(occurred_at) as first, max(occurred_at) as last, count(*) as lines "
                + "from settlement_line where report_id = $1").execute(Tuple.of(id))).iterator().next();
        Instant from = period.getOffsetDateTime("first").toInstant().truncatedTo(ChronoUnit.DAYS);
        Instant to = period.getOffsetDateTime("last").toInstant().truncatedTo(ChronoUnit.DAYS).plus(1, ChronoUnit.DAYS);
        if (Duration.between(from, to).toDays() > MAX_PERIOD_DAYS) {
            return List.of("the report's lines span " + Duration.between(from, to).toDays() + " days, from " + from.toString().substring(0, 10)
                    + " to the end of " + to.minus(1, ChronoUnit.DAYS).toString().substring(0, 10) + ": a report covers at most " + MAX_PERIOD_DAYS
                    + " days (is a line's date mistyped?)");
        }
        await(conn.preparedQuery("insert into settlement_report (id, file_sha256, file_name, imported_by, imported_at, line_count, period_from, "
                + "period_to) values ($1, $2, $3, $4, $5, $6, $7, $8)").execute(Tuple.from(List.of(id, sha, fileName == null ? "" : fileName,
                        admin.userId(), utc(now), period.getLong("lines"), utc(from), utc(to)))));
        await(conn.preparedQuery(MATCH).execute(Tuple.of(id, provider, utc(from), utc(to))));
        List<String> errors = bookFees(conn, id, now);
        if (errors.isEmpty()) {
            await(adminLog.append(conn, audit == null ? null : audit.target("reconciliationRun", id)));
        }
        return errors;
    }

    private static void insertLines(SqlConnection conn, List<Tuple> batch) {
        if (!batch.isEmpty()) {
            await(conn.preparedQuery("insert into settlement_line (report_id, line_no, transaction_id, type, amount_minor, currency, fee_minor, "
                    + "occurred_at) values ($1, $2, $3, $4, $5, $6, $7, $8)").executeBatch(batch));
            batch.clear();
        }
    }

    /** A transaction's second line of one type, named by line (found by the database: the file is never held in memory). */
    private static List<String> duplicateLines(SqlConnection conn, UUID id) {
        List<String> errors = new ArrayList<>();
        long[] total = { 0 };
        await(conn.preparedQuery("select line_no, type, transaction_id, count(*) over () as total from (select line_no, type, transaction_id, "
                + "row_number() over (partition by type, transaction_id order by line_no) as n from settlement_line where report_id = $1) l "
                + "where n > 1 order by line_no limit $2").execute(Tuple.of(id, SettlementCsv.MAX_ERRORS))).forEach(r -> {
                    total[0] = r.getLong("total");
                    errors.add("line " + r.getInteger("line_no") + ": a second " + r.getString("type") + " line for transaction "
                            + r.getString("transaction_id"));
                });
        if (total[0] > errors.size()) {
            errors.add(total[0] + " lines are bad in all; the first " + errors.size() + " are listed");
        }
        return errors;
    }

    private static Uni<Run> existing(SqlClient client, String sha) {
        return client.preparedQuery("select " + RUN_COLUMNS + " from settlement_report r where r.file_sha256 = $1").execute(Tuple.of(sha))
                .map(rows -> rows.iterator().hasNext() ? run(rows.iterator().next(), true) : null);
    }

    private static EntryDraft feeDraft(UUID cause, Instant now, String currency, long minor) {
        return EntryDraft.of(EntryKind.PROVIDER_FEE, cause, now).memo("Payment provider fees (settlement report)")
                .move(AccountKey.platform(AccountPurpose.PROVIDER_FEES, Asset.cash(currency)),
                        AccountKey.platform(AccountPurpose.PAYMENT_CLEARING, Asset.cash(currency)), minor);
    }

    /**
     * Books each line's fee not booked before (by an earlier, overlapping report): one entry per currency, summed by the
     * database. Errors when a currency's fees add up to more than an entry can hold.
     */
    private List<String> bookFees(SqlConnection conn, UUID report, Instant now) {
        String unbooked = "from settlement_line l where l.report_id = $1 and l.fee_minor > 0 and not exists (select 1 from provider_fee f "
                + "where f.transaction_id = l.transaction_id and f.line_type = l.type)";
        List<String> errors = new ArrayList<>();
        Map<String, Long> totals = new LinkedHashMap<>();
        await(conn.preparedQuery("select l.currency, sum(l.fee_minor)::numeric as total " + unbooked + " group by l.currency order by l.currency")
                .execute(Tuple.of(report))).forEach(r -> {
                    BigDecimal total = r.getBigDecimal("total");
                    if (total.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
                        errors.add("the report's fees in " + r.getString("currency") + " add up to more than " + Long.MAX_VALUE + " minor units");
                    } else {
                        totals.put(r.getString("currency"), total.longValueExact());
                    }
                });
        if (!errors.isEmpty()) {
            return errors;
        }
        for (Map.Entry<String, Long> e : totals.entrySet()) {
            EntryDraft draft = feeDraft(UUID.randomUUID(), now, e.getKey(), e.getValue());
            await(ledger.prepare(draft)); // the accounts exist before the entry (the ledger creates them on its own connection)
            Map<AccountKey, Long> ids = await(ledger.accounts().existing(conn, List.of(
                    AccountKey.platform(AccountPurpose.PROVIDER_FEES, Asset.cash(e.getKey())),
                    AccountKey.platform(AccountPurpose.PAYMENT_CLEARING, Asset.cash(e.getKey())))));
            Long entryId = await(ledger.post(conn, ledger.prepared(draft, ids)));
            await(conn.preparedQuery("insert into provider_fee (id, transaction_id, line_type, currency, fee_minor, report_id, entry_id, created_at) "
                    + "select gen_random_uuid(), l.transaction_id, l.type, l.currency, l.fee_minor, $1, $3, $4 " + unbooked + " and l.currency = $2")
                    .execute(Tuple.of(report, e.getKey(), entryId, utc(now))));
        }
        return List.of();
    }

    private static <T> T await(Uni<T> work) {
        return work.await().atMost(AWAIT);
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
        long before = Page.after(RUNS, after);
        return pool.preparedQuery("select " + RUN_COLUMNS + " from settlement_report r where r.seq < $1 order by r.seq desc limit $2")
                .execute(Tuple.of(before, limit + 1)).map(rows -> {
                    List<Run> runs = new ArrayList<>();
                    rows.forEach(r -> runs.add(run(r, false)));
                    return Page.of(RUNS, runs, limit, before != Long.MAX_VALUE, Run::position);
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
        return cursors.stream("select seq, kind, transaction_id, purchase_id, line_no, currency, expected_minor, "
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

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static OffsetDateTime utc(Instant at) {
        return at.atOffset(ZoneOffset.UTC);
    }
}
