package com.coinstream.live;

import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.coinstream.audit.AdminAuditLog;
import com.coinstream.audit.AuditDraft;
import com.coinstream.db.AdvisoryLocks;
import com.coinstream.db.ReadSessions;
import com.coinstream.domain.ErrorCode;
import com.coinstream.domain.Ids;
import com.coinstream.domain.Page;
import com.coinstream.domain.Refusal;
import com.coinstream.domain.Text;
import com.coinstream.domain.Times;
import com.coinstream.events.ClusterEvents;
import com.coinstream.identity.Caller;
import com.coinstream.identity.ErasedAccounts;
import com.coinstream.identity.Role;
import com.coinstream.protection.AccountHolds;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;

/** Starting, ending and listing live streams. */
@ApplicationScoped
public class LiveStreams implements PanacheRepositoryBase<LiveStream, UUID> {
    /** The name the streams' cursors are made with (Page). */
    private static final String LIST = "liveStreams";
    private static final int MAX_TITLE = 140;
    private final Pool pool;
    private final StreamDirectory directory;
    private final ClusterEvents cluster;
    private final Clock clock;
    private final ReadSessions sessions;
    private final AdminAuditLog adminLog;

    private final ErasedAccounts erased;
    private final int adultAge;

    public LiveStreams(Pool pool, StreamDirectory directory, ClusterEvents cluster, Clock clock, ReadSessions sessions, AdminAuditLog adminLog,
            ErasedAccounts erased, com.coinstream.domain.PolicyConfig policy) {
        this.erased = erased;
        this.adultAge = policy.adultAge();
        this.adminLog = adminLog;
        this.pool = pool;
        this.sessions = sessions;
        this.cluster = cluster;
        this.directory = directory;
        this.clock = clock;
    }

    /**
     * Go live. Only a creator of the age rule's (COINSTREAM_ADULT_AGE, by the token's birthdate) may: a stream is where gifts
     * are received, and a viewer's refused gift must not be what tells them a creator's age (README "Privacy model").
     */
    public Uni<LiveStream> start(Caller creator, String title) {
        Text.require(title, MAX_TITLE, false, "title", "input", "title");
        if (!creator.isAdult(clock, adultAge)) {
            throw new Refusal(ErrorCode.AGE_RESTRICTED, "Going live requires a verified age of " + adultAge + " or over");
        }
        LiveStream s = new LiveStream();
        s.id = UUID.randomUUID();
        s.creatorId = creator.userId();
        s.title = title.strip();
        s.status = LiveStream.LIVE;
        s.startedAt = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS); // (as stored)
        // under the creator's owner lock, which the erasure takes too: a stream starts before an erasure (which ends it) or not at all
        // (two statements: a statement's snapshot is taken before it waits for the lock, so the check must be the next one)
        return Panache.withTransaction(() -> Panache.getSession().flatMap(session -> AdvisoryLocks.exclusive(session,
                AdvisoryLocks.Namespace.OWNER, creator.userId())
                .flatMap(locked -> session.createNativeQuery("select count(*) from app_user where id = ?1 and erased_at is not null", Long.class)
                        .setParameter(1, creator.userId()).getSingleResult()))
                .flatMap(erased -> {
                    if (erased > 0) {
                        throw AccountHolds.ERASED_SELF.get();
                    }
                    return persist(s);
                })).replaceWith(s)
                // (answered with the stream as written, not read again after the commit: a failed read would answer an
                // error for a stream that started)
                .onFailure(LiveStreams::alreadyLive).transform(e -> new Refusal(ErrorCode.INVALID_STATE,
                        "You already have a live stream; end it first", "input"));
    }

    /**
     * End a live stream. Under the stream's lock, which every gift batch for the stream holds (shared) until it
     * commits: once this returns, no gift can still be accepted for the stream, on any instance.
     */
    public Uni<LiveStream> end(Caller caller, String streamId, AuditDraft audit) {
        UUID id = parse(streamId, "streamId");
        return pool.withTransaction(tx -> AdvisoryLocks.exclusive(tx, AdvisoryLocks.Namespace.STREAM, id.toString())
                .flatMap(locked -> tx.preparedQuery("select creator_id, status from live_stream where id = $1 for update")
                        .execute(Tuple.of(id)))
                .flatMap(rows -> {
                    if (!rows.iterator().hasNext()) {
                        throw new Refusal(ErrorCode.NOT_FOUND, "No such stream", "input", "streamId");
                    }
                    Row s = rows.iterator().next();
                    if (!s.getString("creator_id").equals(caller.userId()) && !caller.hasRole(Role.ADMIN)) {
                        throw new Refusal(ErrorCode.FORBIDDEN, "Only the stream's creator can end it", "input", "streamId");
                    }
                    if (!LiveStream.LIVE.equals(s.getString("status"))) {
                        throw new Refusal(ErrorCode.INVALID_STATE, "The stream has already ended", "input", "streamId");
                    }
                    return tx.preparedQuery("update live_stream set status = 'ENDED', ended_at = $2 where id = $1 returning " + COLUMNS)
                            .execute(Tuple.of(id, Times.utc(clock.instant())));
                })
                .map(rows -> stream(rows.iterator().next()))
                .call(ended -> adminLog.append(tx, audit)))
                // (answered with the row the update returned: nothing after the commit can fail, so an ended stream is never
                // answered with an error; the notice never fails, see ClusterEvents.publish)
                .call(ended -> {
                    directory.evict(id);
                    return cluster.publish(ClusterEvents.STREAMS, id.toString());
                });
    }

    public Uni<LiveStream> byId(String streamId) {
        return Ids.parse(streamId).map(id -> sessions.read(s -> s.find(LiveStream.class, id))).orElse(Uni.createFrom().nullItem());
    }

    /** Streams newest first; live ones only when {@code liveOnly}. */
    public Uni<Page<StreamView>> page(Integer first, String after, boolean liveOnly, String creatorId) {
        int limit = Page.size(first);
        long before = Page.after(LIST, after);
        String where = (liveOnly ? "seq < ?1 and status = 'LIVE'" : "seq < ?1") + (creatorId == null ? "" : " and creatorId = ?2");
        // an erased creator's streams are shown under their pseudonym; asked for by their user id, there are none, or the
        // answer would tie the two together (asked of the database: this instance may not have heard of the erasure yet)
        return erased.isErasedNow(creatorId).flatMap(gone -> gone
                ? Uni.createFrom().item(Page.of(LIST, List.<StreamView> of(), limit, before != Long.MAX_VALUE, StreamView::position))
                : sessions.read(s -> {
                    var q = s.createSelectionQuery("from LiveStream where " + where + " order by seq desc", LiveStream.class).setParameter(1, before);
                    return (creatorId == null ? q : q.setParameter(2, creatorId)).setMaxResults(limit + 1).getResultList();
                }).map(list -> Page.of(LIST, list.stream().map(StreamView::of).toList(), limit, before != Long.MAX_VALUE, StreamView::position)));
    }

    /** Totals of many streams in one statement: the streams' sequence rows, which the gift batches advance (V27). */
    public Uni<Map<UUID, StreamView.Totals>> totals(List<UUID> ids) {
        return pool.preparedQuery("""
                select stream_id, last as gifts, coins, diamonds from stream_gift_seq where stream_id = any($1)
                """).execute(Tuple.of(ids.toArray(UUID[]::new))).map(rows -> {
            Map<UUID, StreamView.Totals> totals = new HashMap<>();
            for (Row r : rows) {
                totals.put(r.getUUID("stream_id"), new StreamView.Totals(r.getLong("gifts"), r.getLong("coins"), r.getLong("diamonds")));
            }
            return totals;
        });
    }

    /** Streams by id, in one statement. */
    public Uni<Map<UUID, StreamView>> views(List<UUID> ids) {
        return pool.preparedQuery("select " + COLUMNS + " from live_stream where id = any($1)")
                .execute(Tuple.of(ids.toArray(UUID[]::new))).map(rows -> {
                    Map<UUID, StreamView> found = new HashMap<>();
                    for (Row r : rows) {
                        LiveStream s = stream(r);
                        found.put(s.id, StreamView.of(s));
                    }
                    return found;
                });
    }

    private static final String COLUMNS = "id, seq, creator_id, title, status, started_at, ended_at";

    /** A stream from a row of {@link #COLUMNS}. */
    private static LiveStream stream(Row r) {
        LiveStream s = new LiveStream();
        s.id = r.getUUID("id");
        s.seq = r.getLong("seq");
        s.creatorId = r.getString("creator_id");
        s.title = r.getString("title");
        s.status = r.getString("status");
        s.startedAt = r.getOffsetDateTime("started_at").toInstant();
        var ended = r.getOffsetDateTime("ended_at");
        s.endedAt = ended == null ? null : ended.toInstant();
        return s;
    }

    private static boolean alreadyLive(Throwable e) {
        Throwable t = e;
        while (t != null) {
            if (t instanceof PgException pg && "23505".equals(pg.getSqlState())) {
                return true;
            }
            if (t.getMessage() != null && t.getMessage().contains("live_stream_one_live_per_creator")) {
                return true;
            }
            t = t.getCause();
        }
        return false;
    }

    static UUID parse(String id, String field) {
        return Ids.require(id, "No such stream", "input", field);
    }
}
