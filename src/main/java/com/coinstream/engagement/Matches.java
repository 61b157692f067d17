package com.coinstream.engagement;

import java.math.BigInteger;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.graphql.Enum;

import com.coinstream.catalogue.GiftCatalogue;
import com.coinstream.db.AdvisoryLocks;
import com.coinstream.domain.Amounts;
import com.coinstream.domain.ErrorCode;
import com.coinstream.domain.Ids;
import com.coinstream.domain.Page;
import com.coinstream.domain.Refusal;
import com.coinstream.events.ClusterEvents;
import com.coinstream.identity.Caller;

import com.coinstream.identity.SupporterBoard;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * LIVE Match: invitations between two live streams, the match window by the database's clock, and its close. The score
 * itself is kept by the gift batch's trigger (migration V13), which says exactly which gifts count.
 */
@ApplicationScoped
public class Matches {
    /** The name a creator's matches' cursors are made with (Page). */
    private static final String LIST = "matches";
    public static final int MIN_SECONDS = 60;
    public static final int MAX_SECONDS = 600;
    public static final int MAX_GIFTS = 10;
    private static final String COLUMNS = """
            id, seq, inviter_stream, invitee_stream, inviter_id, invitee_id, duration_seconds, gift_ids, status, invited_at, expires_at,
            started_at, ends_at, finished_at, inviter_score, invitee_score, winner, forfeited_stream""";

    private final Pool pool;
    private final GiftCatalogue catalogue;
    private final ClusterEvents cluster;
    private final EngagementConfig config;
    private final java.time.Clock clock;

    public Matches(Pool pool, GiftCatalogue catalogue, ClusterEvents cluster, EngagementConfig config, java.time.Clock clock) {
        this.clock = clock;
        this.pool = pool;
        this.catalogue = catalogue;
        this.cluster = cluster;
        this.config = config;
        // the default length holds to the range an invitation's own durationSeconds is held to
        long seconds = config.matchDuration().toSeconds();
        if (seconds < MIN_SECONDS || seconds > MAX_SECONDS || config.matchDuration().toNanosPart() != 0) {
            throw new io.quarkus.runtime.configuration.ConfigurationException("COINSTREAM_MATCH_DURATION (" + config.matchDuration()
                    + ") must be whole seconds from " + MIN_SECONDS + " to " + MAX_SECONDS + " (1-10 minutes, as PT5M)");
        }
    }

    @Enum("MatchStatus")
    public enum Status {
        INVITED, DECLINED, EXPIRED, CANCELLED, RUNNING, FINISHED
    }

    @Enum("MatchWinner")
    public enum Winner {
        INVITER, INVITEE, TIE
    }

    public record Match(UUID id, long seq, UUID inviterStream, UUID inviteeStream, String inviterId, String inviteeId, int durationSeconds,
            List<UUID> giftIds, Status status, Instant invitedAt, Instant expiresAt, Instant startedAt, Instant endsAt, Instant finishedAt,
            long inviterScore, long inviteeScore, Winner winner, UUID forfeitedStream) {

        public boolean involves(String userId) {
            return inviterId.equals(userId) || inviteeId.equals(userId);
        }
    }

    /** A supporter of one side: coins of their gifts that scored. */
    public record Supporter(String senderId, boolean anonymous, long coins, long gifts) {
    }

    public Uni<Match> invite(Caller inviter, String streamId, String opponentStreamId, BigInteger seconds, List<String> giftIds) {
        UUID mine = Ids.require(streamId, "No such live stream", "input", "streamId");
        UUID theirs = Ids.require(opponentStreamId, "No such live stream", "input", "opponentStreamId");
        int duration = seconds == null ? (int) config.matchDuration().toSeconds()
                : (int) Amounts.within(seconds, MIN_SECONDS, MAX_SECONDS, ErrorCode.INVALID_INPUT, "durationSeconds", "input", "durationSeconds");
        UUID[] gifts = giftIds == null ? null : gifts(giftIds);
        if (mine.equals(theirs)) {
            throw new Refusal(ErrorCode.MATCH_UNAVAILABLE, "A stream cannot play a match against itself", "input", "opponentStreamId");
        }
        UUID id = UUID.randomUUID();
        return pool.withTransaction(tx -> lockStreams(tx, mine, theirs)
                .flatMap(v -> tx.preparedQuery("select id, creator_id, status from live_stream where id = any($1)")
                        .execute(Tuple.of(new UUID[] { mine, theirs })))
                .flatMap(rows -> {
                    Map<UUID, Row> streams = new HashMap<>();
                    rows.forEach(r -> streams.put(r.getUUID("id"), r));
                    Row own = streams.get(mine);
                    if (own == null) {
                        throw new Refusal(ErrorCode.NOT_FOUND, "No such live stream", "input", "streamId");
                    }
                    if (!own.getString("creator_id").equals(inviter.userId())) {
                        throw new Refusal(ErrorCode.FORBIDDEN, "Invite from your own live stream", "input", "streamId");
                    }
                    if (!"LIVE".equals(own.getString("status"))) {
                        throw new Refusal(ErrorCode.STREAM_NOT_LIVE, "Your stream is not live", "input", "streamId");
                    }
                    Row other = streams.get(theirs);
                    if (other == null) {
                        throw new Refusal(ErrorCode.NOT_FOUND, "No such live stream", "input", "opponentStreamId");
                    }
                    if (!"LIVE".equals(other.getString("status")) || other.getString("creator_id").equals(inviter.userId())) {
                        throw new Refusal(ErrorCode.MATCH_UNAVAILABLE, "That stream is not live, or is yours", "input", "opponentStreamId");
                    }
                    return busy(tx, mine, theirs).call(inMatch -> {
                        if (inMatch) {
                            throw new Refusal(ErrorCode.MATCH_UNAVAILABLE, "One of the streams is already in a match", "input", "opponentStreamId");
                        }
                        return waiting(tx, mine, theirs);
                    }).flatMap(checked -> tx.preparedQuery("insert into live_match (id, inviter_stream, invitee_stream, inviter_id, invitee_id, "
                            + "duration_seconds, gift_ids, status, invited_at, expires_at) values ($1, $2, $3, $4, $5, $6, $7, 'INVITED', "
                            + "clock_timestamp(), clock_timestamp() + $8 * interval '1 millisecond') returning " + COLUMNS)
                            .execute(Tuple.tuple().addUUID(id).addUUID(mine).addUUID(theirs).addString(inviter.userId())
                                    .addString(other.getString("creator_id")).addInteger(duration).addArrayOfUUID(gifts)
                                    .addLong(config.matchInviteTimeout().toMillis())));
                }))
                .map(rows -> read(rows.iterator().next()))
                .call(this::announce);
    }

    public Uni<Match> respond(Caller invitee, String matchId, boolean accept) {
        UUID id = Ids.require(matchId, "No such match", "input", "matchId");
        return pool.withTransaction(tx -> tx.preparedQuery("select " + COLUMNS + " from live_match where id = $1").execute(Tuple.of(id))
                .flatMap(rows -> {
                    Match m = rows.iterator().hasNext() ? read(rows.iterator().next()) : null;
                    if (m == null || !m.involves(invitee.userId())) {
                        throw new Refusal(ErrorCode.NOT_FOUND, "No such match invitation", "input", "matchId");
                    }
                    if (!m.inviteeId().equals(invitee.userId())) {
                        throw new Refusal(ErrorCode.FORBIDDEN, "Only the invited creator answers an invitation", "input", "matchId");
                    }
                    return lockStreams(tx, m.inviterStream(), m.inviteeStream())
                            .flatMap(v -> tx.preparedQuery("select " + COLUMNS + ", expires_at <= clock_timestamp() as expired from live_match "
                                    + "where id = $1 for update").execute(Tuple.of(id)))
                            .flatMap(locked -> decide(tx, locked.iterator().next(), accept));
                }))
                .map(rows -> read(rows.iterator().next()))
                .call(this::announce);
    }

    private Uni<RowSet<Row>> decide(SqlConnection tx, Row row, boolean accept) {
        Match m = read(row);
        if (m.status() == Status.CANCELLED) {
            // a stream of the match ended while the invitation waited (the stream's end cancels it): as documented
            throw new Refusal(ErrorCode.MATCH_UNAVAILABLE, "A stream of this match has ended; the invitation was cancelled", "input", "matchId");
        }
        if (m.status() != Status.INVITED) {
            throw new Refusal(m.status() == Status.EXPIRED ? ErrorCode.INVITE_EXPIRED : ErrorCode.INVALID_STATE,
                    "The invitation is " + m.status().name().toLowerCase(), "input", "matchId");
        }
        if (row.getBoolean("expired")) {
            // refused, and nothing written: a refusal never commits (the match clock marks it EXPIRED within a second,
            // and announces it, as for an invitation nobody answered)
            throw new Refusal(ErrorCode.INVITE_EXPIRED, "The invitation has expired", "input", "matchId");
        }
        if (!accept) {
            return setStatus(tx, m.id(), "status = 'DECLINED', finished_at = clock_timestamp()");
        }
        return tx.preparedQuery("select count(*) filter (where status = 'LIVE') from live_stream where id = any($1)")
                .execute(Tuple.of(new UUID[] { m.inviterStream(), m.inviteeStream() }))
                .flatMap(live -> busy(tx, m.inviterStream(), m.inviteeStream()).flatMap(b -> {
                    if (live.iterator().next().getLong(0) < 2 || b) {
                        throw new Refusal(ErrorCode.MATCH_UNAVAILABLE, "A stream has ended or is already in a match", "input", "matchId");
                    }
                    // the window starts now, by the database's clock (no gift batch of either stream is in flight: their locks are ours)
                    return setStatus(tx, m.id(), "status = 'RUNNING', started_at = clock_timestamp(), "
                            + "ends_at = clock_timestamp() + duration_seconds * interval '1 second'");
                }));
    }

    private static Uni<RowSet<Row>> setStatus(SqlConnection tx, UUID id, String set) {
        return tx.preparedQuery("update live_match set " + set + " where id = $1 returning " + COLUMNS).execute(Tuple.of(id));
    }

    /**
     * Closes matches whose window has passed and expires unanswered invitations; on every instance, each close happens once.
     * {@code client}: the clock's own connection.
     */
    public Uni<List<Match>> closeDue(SqlClient client) {
        return client.preparedQuery("""
                update live_match set status = case when status = 'RUNNING' then 'FINISHED' else 'EXPIRED' end,
                    finished_at = clock_timestamp(),
                    winner = case when status <> 'RUNNING' then null when inviter_score > invitee_score then 'INVITER'
                                  when invitee_score > inviter_score then 'INVITEE' else 'TIE' end
                where (status = 'RUNNING' and ends_at <= clock_timestamp()) or (status = 'INVITED' and expires_at <= clock_timestamp())
                returning\s""" + COLUMNS).execute().map(rows -> {
            List<Match> closed = new ArrayList<>();
            rows.forEach(r -> closed.add(read(r)));
            return closed;
        }).call(closed -> closed.isEmpty() ? Uni.createFrom().voidItem()
                : Uni.join().all(closed.stream().map(this::announce).toList()).andCollectFailures().replaceWithVoid());
    }

    public Uni<Optional<Match>> byId(UUID id) {
        return pool.preparedQuery("select " + COLUMNS + " from live_match where id = $1").execute(Tuple.of(id))
                .map(rows -> rows.iterator().hasNext() ? Optional.of(read(rows.iterator().next())) : Optional.empty());
    }

    /** The stream's current match: running, or an open invitation, newest first. */
    public Uni<Optional<Match>> current(UUID streamId) {
        return current(List.of(streamId)).map(found -> Optional.ofNullable(found.get(0)));
    }

    /**
     * Each stream's match now ({@link #current(UUID)}), for many streams in one query: a page of streams asking for
     * their matches asks once, not once per stream. In the order of {@code streamIds}, null where none.
     */
    public Uni<List<Match>> current(List<UUID> streamIds) {
        return pool.preparedQuery("select s.id as stream, m.* from unnest($1::uuid[]) s (id) cross join lateral (select " + COLUMNS
                + " from live_match where (inviter_stream = s.id or invitee_stream = s.id) and status in ('RUNNING', 'INVITED') "
                + "order by status = 'RUNNING' desc, seq desc limit 1) m")
                .execute(Tuple.of(streamIds.toArray(UUID[]::new))).map(rows -> {
                    java.util.Map<UUID, Match> found = new java.util.HashMap<>();
                    rows.forEach(r -> found.put(r.getUUID("stream"), read(r)));
                    List<Match> ordered = new ArrayList<>();
                    streamIds.forEach(id -> ordered.add(found.get(id)));
                    return ordered;
                });
    }

    /** The invitations of a stream (sent or received) still waiting for their answer, newest first (a stream has a few). */
    public Uni<List<Match>> waitingInvitations(UUID streamId) {
        return pool.preparedQuery("select " + COLUMNS + " from live_match where (inviter_stream = $1 or invitee_stream = $1) "
                + "and status = 'INVITED' and expires_at > clock_timestamp() order by seq desc limit 50").execute(Tuple.of(streamId))
                .map(rows -> {
                    List<Match> list = new ArrayList<>();
                    rows.forEach(r -> list.add(read(r)));
                    return list;
                });
    }

    /** A creator's matches, newest first. */
    public Uni<Page<Match>> of(String creatorId, Integer first, String after) {
        int limit = Page.size(first);
        long before = Page.after(LIST, after);
        return pool.preparedQuery("select " + COLUMNS + " from live_match where (inviter_id = $1 or invitee_id = $1) and seq < $2 "
                + "order by seq desc limit $3").execute(Tuple.of(creatorId, before, limit + 1)).map(rows -> {
                    List<Match> list = new ArrayList<>();
                    rows.forEach(r -> list.add(read(r)));
                    return Page.of(LIST, list, limit, before != Long.MAX_VALUE, Match::seq);
                });
    }

    /** Top supporters of one side (true: the inviter's) by coins that scored. */
    public Uni<List<Supporter>> supporters(UUID matchId, boolean inviterSide, int limit) {
        return pool.preparedQuery(SupporterBoard.ranked("(select match_id, side, sender_id, anonymous, sum(coins)::bigint as coins, "
                        + "count(*) as gifts, 0::bigint as diamonds from match_gift group by 1, 2, 3, 4)", "t.match_id = $1 and t.side = $2",
                "0", "$3")).execute(Tuple.of(matchId, inviterSide ? "R" : "E", limit)).map(rows -> {
            List<Supporter> list = new ArrayList<>();
            rows.forEach(r -> list.add(new Supporter(r.getString("sender_id"), r.getBoolean("anonymous"), r.getLong("coins"), r.getLong("gifts"))));
            return list;
        });
    }

    /** Invitations a stream may have waiting for their answer at once. */
    static final int MAX_WAITING_INVITATIONS = 5;

    /**
     * A stream invites another once at a time, and has at most {@value #MAX_WAITING_INVITATIONS} invitations waiting: an
     * invitation is an alert in the other room, not something to send in a loop. (Under both streams' locks.)
     */
    private Uni<Void> waiting(SqlConnection tx, UUID mine, UUID theirs) {
        return tx.preparedQuery("select count(*) filter (where invitee_stream = $2), count(*) from live_match "
                + "where inviter_stream = $1 and status = 'INVITED' and expires_at > clock_timestamp()").execute(Tuple.of(mine, theirs))
                .invoke(rows -> {
                    Row r = rows.iterator().next();
                    if (r.getLong(0) > 0) {
                        throw new Refusal(ErrorCode.MATCH_UNAVAILABLE, "Your invitation to this stream is still waiting for its answer",
                                "input", "opponentStreamId");
                    }
                    if (r.getLong(1) >= MAX_WAITING_INVITATIONS) {
                        throw new Refusal(ErrorCode.RATE_LIMITED, "At most " + MAX_WAITING_INVITATIONS
                                + " invitations waiting at once; wait for an answer, or for one to expire", "input", "streamId");
                    }
                }).replaceWithVoid();
    }

    private Uni<Boolean> busy(SqlConnection tx, UUID a, UUID b) {
        return tx.preparedQuery("select exists (select 1 from live_match where status = 'RUNNING' and "
                + "(inviter_stream = any($1) or invitee_stream = any($1)))").execute(Tuple.of(new UUID[] { a, b }))
                .map(rows -> rows.iterator().next().getBoolean(0));
    }

    /** Both streams' locks, exclusively, in key order: no gift batch of either is in flight while a match starts. */
    private static Uni<Void> lockStreams(SqlConnection tx, UUID a, UUID b) {
        return tx.preparedQuery("select count(pg_advisory_xact_lock($1, k)) from (select distinct hashtext(v::text) as k "
                + "from unnest($2::uuid[]) v order by 1) s").execute(Tuple.of(AdvisoryLocks.Namespace.STREAM.id, new UUID[] { a, b }))
                .replaceWithVoid();
    }

    private UUID[] gifts(List<String> giftIds) {
        if (giftIds.isEmpty() || giftIds.size() > MAX_GIFTS) {
            throw new Refusal(ErrorCode.INVALID_INPUT, "giftIds: 1 to " + MAX_GIFTS + " gifts, or leave it out to count every gift",
                    "input", "giftIds");
        }
        Instant now = clock.instant();
        return giftIds.stream().map(g -> catalogue.requireCountable(g, now, "input", "giftIds")).distinct().toArray(UUID[]::new);
    }

    private Uni<Void> announce(Match m) {
        return cluster.publish(ClusterEvents.ACTIVITY, List.of(m.inviterStream().toString(), m.inviteeStream().toString()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    static Match read(Row r) {
        UUID[] gifts = r.getArrayOfUUIDs("gift_ids");
        String winner = r.getString("winner");
        return new Match(r.getUUID("id"), r.getLong("seq"), r.getUUID("inviter_stream"), r.getUUID("invitee_stream"), r.getString("inviter_id"),
                r.getString("invitee_id"), r.getInteger("duration_seconds"), gifts == null ? null : Arrays.asList(gifts),
                Status.valueOf(r.getString("status")), instant(r.getOffsetDateTime("invited_at")), instant(r.getOffsetDateTime("expires_at")),
                instant(r.getOffsetDateTime("started_at")), instant(r.getOffsetDateTime("ends_at")), instant(r.getOffsetDateTime("finished_at")),
                r.getLong("inviter_score"), r.getLong("invitee_score"), winner == null ? null : Winner.valueOf(winner),
                r.getUUID("forfeited_stream"));
    }

    private static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }
}
