package com.coinstream.engagement;

import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.graphql.Enum;

import com.coinstream.catalogue.GiftCatalogue;
import com.coinstream.db.AdvisoryLocks;
import com.coinstream.domain.Amounts;
import com.coinstream.domain.BadInput;
import com.coinstream.domain.ErrorCode;
import com.coinstream.domain.Ids;
import com.coinstream.domain.NotFound;
import com.coinstream.domain.Refusal;
import com.coinstream.domain.Text;
import com.coinstream.domain.Times;
import com.coinstream.events.ClusterEvents;
import com.coinstream.identity.Caller;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Stream goals: set and ended by the stream's creator, counted by the database (the gift_event insert trigger, migration
 * V12) over exactly the gifts committed while the goal is active; ended with the stream (trigger on live_stream).
 */
@ApplicationScoped
public class StreamGoals {
    public static final int MAX_ACTIVE = 3;
    public static final int MAX_TITLE = 80;
    public static final long MAX_TARGET = 1_000_000_000L;
    private static final String COLUMNS = "id, stream_id, creator_id, title, kind, gift_id, target, progress, coins, created_at, reached_at, ended_at";

    private final Pool pool;
    private final GiftCatalogue catalogue;
    private final ClusterEvents cluster;
    private final Clock clock;

    public StreamGoals(Pool pool, GiftCatalogue catalogue, ClusterEvents cluster, Clock clock) {
        this.pool = pool;
        this.catalogue = catalogue;
        this.cluster = cluster;
        this.clock = clock;
    }

    @Enum("GoalKind")
    public enum Kind {
        /** Coins the stream receives. */
        COINS,
        /** A number of one gift (quantities count). */
        GIFT
    }

    /** A goal as stored. {@code progress} counts coins (COINS) or gifts of {@code giftId} (GIFT); {@code coins}: the counted gifts' coins. */
    public record Goal(UUID id, UUID streamId, String creatorId, String title, Kind kind, UUID giftId, long target, long progress,
            long coins, Instant createdAt, Instant reachedAt, Instant endedAt) {
        public boolean active() {
            return endedAt == null;
        }
    }

    public Uni<Goal> set(Caller creator, String streamId, String title, Kind kind, String giftId, BigInteger target) {
        UUID stream = Ids.require(streamId, "No such live stream", "input", "streamId");
        String name = Text.require(title, MAX_TITLE, false, "title", "input", "title").strip();
        if (kind == null) {
            throw new BadInput("kind is required");
        }
        long goal = Amounts.within(target, 1, MAX_TARGET, ErrorCode.INVALID_AMOUNT, "target", "input", "target");
        UUID gift = null;
        if (kind == Kind.GIFT && giftId == null) {
            throw new Refusal(ErrorCode.INVALID_INPUT, "A GIFT goal counts one gift: name it (giftId)", "input", "giftId");
        }
        if (kind == Kind.GIFT) {
            gift = catalogue.requireCountable(giftId, clock.instant(), "input", "giftId");
        } else if (giftId != null) {
            throw new Refusal(ErrorCode.INVALID_INPUT, "A COINS goal counts every gift; leave giftId out", "input", "giftId");
        }
        UUID id = UUID.randomUUID();
        UUID giftOfGoal = gift;
        Instant now = clock.instant();
        return pool.withTransaction(tx -> lockLiveStream(tx, creator, stream)
                .flatMap(v -> tx.preparedQuery("select count(*) from stream_goal where stream_id = $1 and ended_at is null")
                        .execute(Tuple.of(stream)))
                .flatMap(rows -> {
                    if (rows.iterator().next().getLong(0) >= MAX_ACTIVE) {
                        throw new Refusal(ErrorCode.GOAL_LIMIT_REACHED, "A stream has at most " + MAX_ACTIVE
                                + " active goals; end one first", "input");
                    }
                    return tx.preparedQuery("insert into stream_goal (id, stream_id, creator_id, title, kind, gift_id, target, start_seq, "
                            + "created_at) values ($1, $2, $3, $4, $5, $6, $7, (select last from stream_gift_seq where stream_id = $2), $8) "
                            + "returning " + COLUMNS)
                            .execute(Tuple.tuple().addUUID(id).addUUID(stream).addString(creator.userId()).addString(name)
                                    .addString(kind.name()).addUUID(giftOfGoal).addLong(goal).addOffsetDateTime(Times.utc(now)));
                }))
                .map(rows -> read(rows.iterator().next()))
                .call(saved -> announce(stream));
    }

    public Uni<Goal> end(Caller creator, String goalId) {
        UUID id = Ids.require(goalId, "No such goal", "input", "goalId");
        Instant now = clock.instant();
        return pool.withTransaction(tx -> tx.preparedQuery("select stream_id from stream_goal where id = $1").execute(Tuple.of(id))
                .flatMap(rows -> {
                    if (!rows.iterator().hasNext()) {
                        throw new Refusal(ErrorCode.NOT_FOUND, "No such goal", "input", "goalId");
                    }
                    UUID stream = rows.iterator().next().getUUID(0);
                    return lockLiveStream(tx, creator, stream)
                            .flatMap(v -> tx.preparedQuery("update stream_goal set ended_at = $2, end_seq = "
                                    + "(select last from stream_gift_seq where stream_id = stream_goal.stream_id) "
                                    + "where id = $1 and ended_at is null returning " + COLUMNS).execute(Tuple.of(id, Times.utc(now))));
                }))
                .map(rows -> {
                    if (!rows.iterator().hasNext()) {
                        throw new Refusal(ErrorCode.INVALID_STATE, "The goal has already ended", "input", "goalId");
                    }
                    return read(rows.iterator().next());
                })
                .call(ended -> announce(ended.streamId()));
    }

    /** A stream's goals, active ones first, then newest first (the last 100); NOT_FOUND when there is no such stream. */
    public Uni<List<Goal>> ofStream(UUID streamId) {
        return pool.preparedQuery("select " + COLUMNS + ", exists (select 1 from live_stream where id = $1) as stream_exists "
                + "from (select 1) one left join stream_goal on stream_id = $1 "
                + "order by ended_at is not null, created_at desc limit 100").execute(Tuple.of(streamId)).map(rows -> {
                    List<Goal> goals = new ArrayList<>();
                    for (Row r : rows) {
                        if (!r.getBoolean("stream_exists")) {
                            throw new NotFound("No such live stream");
                        }
                        if (r.getUUID("id") != null) {
                            goals.add(read(r));
                        }
                    }
                    return goals;
                });
    }

    /**
     * Under the stream's lock (shared: gift batches hold it too; endLiveStream exclusive) and its counter row (which each gift
     * batch of the stream holds until it commits): the stream is the caller's and live, and no batch of it is in flight, so
     * the counter read next is exactly the last committed gift.
     */
    private Uni<Void> lockLiveStream(SqlConnection tx, Caller creator, UUID stream) {
        return AdvisoryLocks.shared(tx, AdvisoryLocks.Namespace.STREAM, stream.toString())
                .flatMap(v -> tx.preparedQuery("select creator_id, status from live_stream where id = $1").execute(Tuple.of(stream)))
                .flatMap(rows -> {
                    if (!rows.iterator().hasNext()) {
                        throw new Refusal(ErrorCode.NOT_FOUND, "No such live stream", "input", "streamId");
                    }
                    Row s = rows.iterator().next();
                    if (!s.getString("creator_id").equals(creator.userId())) {
                        throw new Refusal(ErrorCode.FORBIDDEN, "Only the stream's creator can set or end its goals", "input", "streamId");
                    }
                    if (!"LIVE".equals(s.getString("status"))) {
                        throw new Refusal(ErrorCode.STREAM_NOT_LIVE, "The stream is not live", "input", "streamId");
                    }
                    return tx.preparedQuery("insert into stream_gift_seq (stream_id, last, coins) values ($1, 0, 0) "
                            + "on conflict (stream_id) do update set last = stream_gift_seq.last").execute(Tuple.of(stream));
                }).replaceWithVoid();
    }

    private Uni<Void> announce(UUID stream) {
        return cluster.publish(ClusterEvents.ACTIVITY, stream.toString()); // (never fails: a notice not sent is logged)
    }

    static Goal read(Row r) {
        return new Goal(r.getUUID("id"), r.getUUID("stream_id"), r.getString("creator_id"), r.getString("title"), Kind.valueOf(r.getString("kind")),
                r.getUUID("gift_id"), r.getLong("target"), r.getLong("progress"), r.getLong("coins"), instant(r.getOffsetDateTime("created_at")),
                instant(r.getOffsetDateTime("reached_at")), instant(r.getOffsetDateTime("ended_at")));
    }

    private static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }
}
