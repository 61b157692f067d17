package com.coinstream.audit;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.coinstream.domain.Ids;
import com.coinstream.domain.Page;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/** The append-only admin audit log (table admin_audit; a trigger refuses UPDATE, DELETE and TRUNCATE). */
@ApplicationScoped
public class AdminAuditLog {
    /** The name the log's cursors are made with (Page). */
    private static final String LIST = "adminAuditLog";
    public static final String DONE = "DONE";
    public static final String REFUSED = "REFUSED";
    public static final String FAILED = "FAILED";

    // (after: the target's state read inside the action's own transaction, as it writes its record; V36)
    /**
     * A record's insert. One about a person already erased (an admin's refused attempt on them: a hold, a grant) keeps no
     * words about them from the start, as the log's reader would leave them out ({@link #READ_COLUMNS}): no reason, and
     * its input as {@code {}}; the rest (who, what, when, how it ended) as any record.
     */
    private static final String INSERT = "insert into admin_audit (id, at, actor_id, actor_roles, action, target_type, target_id, "
            + "reason, input, outcome, error_code, before_state, after_state) select $1, $2, $3, $4, $5, $6, $7, "
            + "case when x.about then null else $8 end, case when x.about then '{}'::jsonb else $9::text::jsonb end, $10, $11, "
            + "$12::text::jsonb, case when $10 = 'DONE' then audit_target_state($6, $7) end "
            + "from (select exists (select from app_user u where u.id = audit_target_person($6, $7) and u.erased_at is not null)) as x(about)";
    /**
     * The columns of a record as the log is read. The log is append-only and outlives an erasure, so its reader leaves out
     * what an erased person's records said of them: one about them (its target is theirs, V51 audit_target_person: they
     * themselves, their payout, payout account, purchase, stream, the subscription to their events) keeps who did what to
     * them, when, how it ended and the amounts before and after, without the words written then (its reason, and its
     * input, shown as {@code {}}: a hold's reason, a grant's, a payout refusal's) nor the reasons, references and
     * addresses in its states; one of their own doing (a creator's webhook subscription) keeps only who, what, when and
     * how it ended (its input, an endpoint's address, goes with its states). An erased admin's actions on others show whole.
     */
    /** What a target's state (V36 audit_target_state) says in words of or about its person, or where to reach them. */
    private static final String THEIR_WORDS = "array['holdReason', 'reason', 'externalReference', 'url', 'disabledReason']";
    private static final String READ_COLUMNS = "a.seq, a.id, a.at, a.actor_id, a.actor_roles, a.action, a.target_type, a.target_id, "
            + "case when x.about or x.own then null else a.reason end, case when x.about or x.own then '{}' else a.input::text end, "
            + "a.outcome, a.error_code, "
            + "case when x.own then null when x.about then (a.before_state - " + THEIR_WORDS + ")::text else a.before_state::text end, "
            + "case when x.own then null when x.about then (a.after_state - " + THEIR_WORDS + ")::text else a.after_state::text end "
            + "from admin_audit a cross join lateral (select "
            + "exists (select from app_user u where u.id = audit_target_person(a.target_type, a.target_id) and u.erased_at is not null), "
            + "not 'admin' = any (a.actor_roles) and exists (select from app_user u where u.id = a.actor_id and u.erased_at is not null)"
            + ") as x(about, own)";

    private final Pool pool;
    private final Clock clock;
    private final AttemptBudget budget;
    private final io.micrometer.core.instrument.Counter unrecorded;

    public AdminAuditLog(Pool pool, Clock clock, com.coinstream.protection.ProtectionConfig protection,
            io.micrometer.core.instrument.MeterRegistry metrics) {
        this.pool = pool;
        this.clock = clock;
        this.budget = new AttemptBudget(protection.refusedAdminAttemptsPerMinute());
        this.unrecorded = io.micrometer.core.instrument.Counter.builder("coinstream.admin.attempts.unrecorded")
                .description("Refused admin attempts by callers who are not admins past their budget: counted, not recorded").register(metrics);
    }

    @io.quarkus.scheduler.Scheduled(every = "60s")
    void evictIdleBudgets() {
        budget.evictIdle();
    }

    /** An idempotent replay of an action already recorded: nothing is written (one action, one record). */
    public Uni<Void> replayed(AuditDraft draft) {
        if (draft != null) {
            draft.markReplay();
        }
        return Uni.createFrom().voidItem();
    }

    /** The action is done: write its record in the action's own transaction {@code tx}. */
    public Uni<Void> append(SqlClient tx, AuditDraft draft) {
        if (draft == null) {
            return Uni.createFrom().voidItem();
        }
        return tx.preparedQuery(INSERT).execute(values(draft.id(), draft, DONE, null)).invoke(draft::markRecorded).replaceWithVoid();
    }

    /** The same, inside the current Hibernate Reactive (Panache) transaction. */
    public Uni<Void> appendInSession(AuditDraft draft) {
        if (draft == null) {
            return Uni.createFrom().voidItem();
        }
        // (flushed first: the record's "after" reads the target as the session's changes leave it)
        return Panache.getSession().flatMap(s -> s.flush().replaceWith(s)).flatMap(s -> s.createNativeQuery("insert into admin_audit (id, at, actor_id, actor_roles, action, "
                + "target_type, target_id, reason, input, outcome, error_code, before_state, after_state) values (?1, ?2, ?3, "
                + "string_to_array(?4, ','), ?5, ?6, ?7, ?8, cast(cast(?9 as text) as jsonb), 'DONE', null, cast(cast(?10 as text) as jsonb), "
                + "audit_target_state(cast(?6 as text), cast(?7 as text)))")
                .setParameter(1, draft.id()).setParameter(2, now()).setParameter(3, draft.actorId())
                .setParameter(4, String.join(",", draft.actorRoles())).setParameter(5, draft.action())
                .setParameter(6, draft.targetType()).setParameter(7, draft.targetId()).setParameter(8, draft.reason())
                .setParameter(9, draft.input()).setParameter(10, draft.before()).executeUpdate())
                .invoke(draft::markRecorded).replaceWithVoid();
    }

    /** The action was refused (or failed) and its transaction rolled back: record the attempt in a transaction of its own. */
    public Uni<Void> attempt(AuditDraft draft, String outcome, String errorCode) {
        if (REFUSED.equals(outcome) && !budget.record(draft.actorId(), draft.actorRoles())) {
            unrecorded.increment();
            return Uni.createFrom().voidItem();
        }
        return pool.preparedQuery(INSERT).execute(values(UUID.randomUUID(), draft, outcome, errorCode)).replaceWithVoid();
    }

    /** The state of an action's target as the audit log shows it (JSON text), read now; null when it has none. */
    public Uni<String> stateOf(AuditDraft draft) {
        return stateOf(pool, draft);
    }

    /**
     * The record's "before", read inside the action's own transaction under the lock it took, so that nothing else can
     * commit in between (the interceptor's read, just before the action, is the fallback for actions that do not).
     */
    public Uni<Void> before(SqlClient tx, AuditDraft draft) {
        return draft == null ? Uni.createFrom().voidItem() : stateOf(tx, draft).invoke(state -> draft.before(state)).replaceWithVoid();
    }

    private static Uni<String> stateOf(SqlClient client, AuditDraft draft) {
        if (draft == null || draft.targetType() == null || draft.targetId() == null) {
            return Uni.createFrom().nullItem();
        }
        return client.preparedQuery("select audit_target_state($1, $2)::text").execute(Tuple.of(draft.targetType(), draft.targetId()))
                .map(rows -> rows.iterator().next().getString(0));
    }

    public record Filter(String actorId, String action, String targetId, String outcome, Instant from, Instant to) {
    }

    public record Entry(long position, String id, Instant at, String actorId, List<String> actorRoles, String action,
            String targetType, String targetId, String reason, String input, String outcome, String errorCode, String before, String after) {
    }

    /**
     * A target id in the one spelling records keep: an id that is a UUID inside, in any spelling its parser accepts (in
     * capitals, say), as the UUID's own, so filters and counts find every record of one target. A user id is the
     * identity provider's subject, kept as it is.
     */
    public static String canonicalTarget(String targetType, String targetId) {
        if (targetId == null || "user".equals(targetType)) {
            return targetId;
        }
        return Ids.canonical(targetId);
    }

    /** Newest first, filtered. */
    public Uni<Page<Entry>> page(Integer first, String after, Filter filter) {
        int limit = Page.size(first);
        long before = Page.after(LIST, after);
        Filter f = filter == null ? new Filter(null, null, null, null, null, null) : filter;
        // only the filters given, as their own statement text: one catch-all statement ("$2 is null or ...") gets a
        // generic plan once cached, which uses none of the filters' indexes and walks the whole log backwards
        StringBuilder where = new StringBuilder(" where a.seq < $1");
        List<Object> args = new ArrayList<>(List.of(before));
        if (f.actorId() != null) {
            args.add(f.actorId());
            where.append(" and a.actor_id = $").append(args.size());
        }
        if (f.action() != null) {
            args.add(f.action());
            where.append(" and a.action = $").append(args.size());
        }
        if (f.targetId() != null) {
            // a target as typed, and in the one spelling records keep since targets were made canonical
            args.add(new String[] { f.targetId(), canonicalTarget(null, f.targetId()) });
            where.append(" and a.target_id = any ($").append(args.size()).append(")");
        }
        if (f.outcome() != null) {
            args.add(f.outcome());
            where.append(" and a.outcome = $").append(args.size());
        }
        if (f.from() != null) {
            args.add(utc(f.from()));
            where.append(" and a.at >= $").append(args.size());
        }
        if (f.to() != null) {
            args.add(utc(f.to()));
            where.append(" and a.at < $").append(args.size());
        }
        args.add(limit + 1);
        return pool.preparedQuery("select " + READ_COLUMNS + where + " order by a.seq desc limit $" + args.size())
                .execute(Tuple.from(args))
                .map(rows -> {
                    List<Entry> entries = new ArrayList<>();
                    for (Row r : rows) {
                        entries.add(new Entry(r.getLong(0), r.getUUID(1).toString(), r.getOffsetDateTime(2).toInstant(), r.getString(3),
                                List.of(r.getArrayOfStrings(4)), r.getString(5), r.getString(6), r.getString(7), r.getString(8),
                                r.getString(9), r.getString(10), r.getString(11), r.getString(12), r.getString(13)));
                    }
                    return Page.of(LIST, entries, limit, before != Long.MAX_VALUE, Entry::position);
                });
    }

    private Tuple values(UUID id, AuditDraft d, String outcome, String errorCode) {
        return Tuple.from(Arrays.asList(id, now(), d.actorId(), roles(d.actorRoles()), d.action(), d.targetType(), d.targetId(),
                d.reason(), d.input(), outcome, errorCode, d.before()));
    }

    private static String[] roles(Set<String> roles) {
        return roles.stream().sorted().toArray(String[]::new);
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    }

    private static OffsetDateTime utc(Instant at) {
        return at == null ? null : at.atOffset(ZoneOffset.UTC);
    }
}
