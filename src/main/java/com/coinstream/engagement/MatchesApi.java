package com.coinstream.engagement;

import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.LongFunction;

import jakarta.annotation.security.RolesAllowed;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.GraphQLApi;
import org.eclipse.microprofile.graphql.Id;
import org.eclipse.microprofile.graphql.Ignore;
import org.eclipse.microprofile.graphql.Input;
import org.eclipse.microprofile.graphql.Mutation;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Query;
import org.eclipse.microprofile.graphql.Source;
import org.eclipse.microprofile.graphql.Type;

import com.coinstream.catalogue.CatalogueGift;
import com.coinstream.catalogue.GiftCatalogue;
import com.coinstream.domain.Ids;
import com.coinstream.domain.NotFound;
import com.coinstream.domain.Money;
import com.coinstream.domain.Page;
import com.coinstream.domain.PageInfo;
import com.coinstream.domain.UserError;
import com.coinstream.graphql.ApiSecurity;
import com.coinstream.graphql.MaxItems;
import com.coinstream.graphql.Payloads;
import com.coinstream.identity.CurrentCaller;
import com.coinstream.identity.PublicProfile;
import com.coinstream.identity.Role;
import com.coinstream.identity.UserDirectory;
import com.coinstream.live.StreamView;

import io.smallrye.mutiny.Uni;

/** LIVE Match battles: two live creators' audiences compete for a few minutes. */
@GraphQLApi
@ApiSecurity
public class MatchesApi {
    private final CurrentCaller caller;
    private final Matches matches;
    private final UserDirectory users;
    private final GiftCatalogue catalogue;
    private final Valuers valuers;
    private final Payloads payloads;

    public MatchesApi(CurrentCaller caller, Matches matches, UserDirectory users, GiftCatalogue catalogue, Valuers valuers, Payloads payloads) {
        this.caller = caller;
        this.matches = matches;
        this.users = users;
        this.catalogue = catalogue;
        this.valuers = valuers;
        this.payloads = payloads;
    }

    @Mutation("inviteToMatch")
    @Description("Creators: from your live stream, invite another live creator's stream to a LIVE Match of durationSeconds (60-600; "
            + "default COINSTREAM_MATCH_DURATION), counting every gift or only giftIds. MATCH_UNAVAILABLE for your own stream, a stream "
            + "that is not live or is already in a match. The invitation expires after COINSTREAM_MATCH_INVITE_TIMEOUT.")
    @RolesAllowed(Role.CREATOR)
    public Uni<@NonNull MatchPayload> inviteToMatch(@NonNull InviteToMatchInput input) {
        return payloads.orRefusal(caller.get().flatMap(c -> Payloads.guarded(() -> matches.invite(c, input.streamId, input.opponentStreamId,
                input.durationSeconds, input.giftIds))).flatMap(this::viewAfterCommit).map(m -> new MatchPayload(m, List.of())),
                e -> new MatchPayload(null, List.of(e)));
    }

    @Mutation("respondToMatchInvite")
    @Description("Creators: accept or decline a match invitation to your stream. Accepted, the match starts at once (the database's "
            + "clock) and runs its duration. INVITE_EXPIRED when it waited too long; MATCH_UNAVAILABLE when a stream ended or is in a match.")
    @RolesAllowed(Role.CREATOR)
    public Uni<@NonNull MatchPayload> respondToMatchInvite(@NonNull RespondToMatchInviteInput input) {
        return payloads.orRefusal(caller.get().flatMap(c -> Payloads.guarded(() -> matches.respond(c, input.matchId,
                Boolean.TRUE.equals(input.accept)))).flatMap(this::viewAfterCommit).map(m -> new MatchPayload(m, List.of())),
                e -> new MatchPayload(null, List.of(e)));
    }

    @Query("match")
    @Description("Public: a match with both sides' scores in coins and in real money for you, and, once over, the winner. "
            + "Both audiences follow it live on streamActivity. NOT_FOUND when there is no such match.")
    public Uni<@NonNull MatchView> match(@NonNull @Id String id) {
        return Ids.parse(id).map(uuid -> matches.byId(uuid).flatMap(m -> m.isEmpty() ? Uni.createFrom().<MatchView> failure(new NotFound("No such match"))
                : view(m.get()))).orElseGet(() -> Uni.createFrom().failure(new NotFound("No such match")));
    }

    @Query("matches")
    @Description("Creators: your matches (invited or inviting), newest first.")
    @RolesAllowed(Role.CREATOR)
    public Uni<@NonNull MatchConnection> matches(Integer first, String after) {
        return caller.get().flatMap(c -> Payloads.guarded(() -> matches.of(c.userId(), first, after))).flatMap(page -> {
            if (page.nodes().isEmpty()) {
                return Uni.createFrom().item(MatchConnection.of(page, List.of()));
            }
            return Uni.join().all(page.nodes().stream().map(this::view).toList()).andFailFast().map(views -> MatchConnection.of(page, views));
        });
    }

    @Description("The stream's match now: running, or an invitation waiting for its answer; null when none.")
    public Uni<List<MatchView>> currentMatch(@Source List<StreamView> streams) {
        // (a page of streams asks once: one query for their matches, one for the people in them)
        return matches.current(streams.stream().map(StreamView::uuid).toList()).flatMap(found -> {
            List<String> people = found.stream().filter(java.util.Objects::nonNull).flatMap(m -> java.util.stream.Stream.of(m.inviterId(), m.inviteeId()))
                    .distinct().toList();
            if (people.isEmpty()) {
                return Uni.createFrom().item(java.util.Collections.<MatchView> nCopies(found.size(), null));
            }
            return users.profiles(people).flatMap(profiles -> valuers.forCaller().map(value -> {
                List<MatchView> views = new java.util.ArrayList<>();
                found.forEach(m -> views.add(m == null ? null : MatchView.of(m, profiles, catalogue, value)));
                return views;
            }));
        });
    }

    @Description("The side's biggest supporters by coins that scored (anonymous gifts as \"Anonymous\"; people off leaderboards left out).")
    public Uni<@NonNull List<@NonNull MatchSupporter>> topSupporters(@Source MatchSide side, Integer first) {
        return matches.supporters(side.matchUuid(), side.inviterSide(), Page.size(first == null ? 5 : first)).flatMap(list -> users
                .profiles(list.stream().filter(s -> !s.anonymous()).map(Matches.Supporter::senderId).toList())
                .flatMap(profiles -> valuers.forCaller().map(value -> list.stream().map(s -> new MatchSupporter(
                        s.anonymous() ? PublicProfile.ANONYMOUS : profiles.getOrDefault(s.senderId(), new PublicProfile(s.senderId(), s.senderId())),
                        s.coins(), s.gifts(), value.apply(s.coins()))).toList())));
    }

    /**
     * {@link #view} for the payload of a change already committed: the profiles and the money are read after the commit,
     * and if they cannot be (the database out of reach for a moment) the change is still answered as made, the creators
     * by their ids and the money null, never as an error its client would retry (a second invitation, a second answer).
     */
    Uni<MatchView> viewAfterCommit(Matches.Match m) {
        return users.profiles(List.of(m.inviterId(), m.inviteeId())).onFailure().recoverWithItem(Map.of())
                .flatMap(profiles -> valuers.afterCommit().map(value -> MatchView.of(m, profiles, catalogue, value)));
    }

    Uni<MatchView> view(Matches.Match m) {
        return users.profiles(List.of(m.inviterId(), m.inviteeId()))
                .flatMap(profiles -> valuers.forCaller().map(value -> MatchView.of(m, profiles, catalogue, value)));
    }

    @Input("InviteToMatchInput")
    public static class InviteToMatchInput {
        @NonNull
        @Id
        @Description("Your live stream.")
        public String streamId;
        @NonNull
        @Id
        @Description("The live stream you challenge.")
        public String opponentStreamId;
        @Description("60-600 seconds (default COINSTREAM_MATCH_DURATION).")
        public BigInteger durationSeconds;
        @MaxItems(10)
        @Description("Count only these gifts (1-10); leave out to count every gift.")
        public List<@NonNull String> giftIds;
    }

    @Input("RespondToMatchInviteInput")
    public static class RespondToMatchInviteInput {
        @NonNull
        @Id
        public String matchId;
        @NonNull
        @Description("true accepts (the match starts now), false declines.")
        public Boolean accept;
    }

    @Type("MatchPayload")
    public record MatchPayload(MatchView match, @NonNull List<@NonNull UserError> userErrors) {
    }

    @Type("MatchSupporter")
    public record MatchSupporter(@NonNull PublicProfile supporter, long coins, long gifts,
            @Description("Those coins in real money, for you.") Money value) {
    }

    @Type("MatchSide")
    public record MatchSide(@Ignore UUID matchUuid, @Ignore boolean inviterSide, @Id @NonNull String streamId,
            @NonNull PublicProfile creator, @Description("Coins the stream received in the match window (only the match's gifts when "
                    + "it names some).") long score, @Description("The score in real money, for you.") Money scoreValue,
            @Description("This side forfeited by ending its stream.") boolean forfeited) {
    }

    @Type("Match")
    @Description("A LIVE Match between two live streams. A gift scores when its batch adds it to the match before endsAt by the "
            + "database's clock; the match closes only after every such gift has committed.")
    public record MatchView(@Id @NonNull String id, @NonNull Matches.Status status, @NonNull MatchSide inviter, @NonNull MatchSide invitee,
            int durationSeconds, @Description("The gifts that count; null: every gift.") List<@NonNull CatalogueGift> gifts,
            @NonNull Instant invitedAt, @Description("When an unanswered invitation expires.") @NonNull Instant expiresAt,
            Instant startedAt, Instant endsAt, Instant finishedAt,
            @Description("Once FINISHED: INVITER, INVITEE or TIE.") Matches.Winner winner) {

        static MatchView of(Matches.Match m, Map<String, PublicProfile> profiles, GiftCatalogue catalogue, LongFunction<Money> value) {
            List<CatalogueGift> gifts = null;
            if (m.giftIds() != null) {
                gifts = new ArrayList<>();
                for (var id : m.giftIds()) {
                    catalogue.find(id).ifPresent(gifts::add);
                }
            }
            return new MatchView(m.id().toString(), m.status(),
                    side(m, true, profiles, value), side(m, false, profiles, value), m.durationSeconds(), gifts, m.invitedAt(), m.expiresAt(),
                    m.startedAt(), m.endsAt(), m.finishedAt(), m.winner());
        }

        private static MatchSide side(Matches.Match m, boolean inviter, Map<String, PublicProfile> profiles, LongFunction<Money> value) {
            String who = inviter ? m.inviterId() : m.inviteeId();
            var stream = inviter ? m.inviterStream() : m.inviteeStream();
            long score = inviter ? m.inviterScore() : m.inviteeScore();
            return new MatchSide(m.id(), inviter, stream.toString(), profiles.getOrDefault(who, new PublicProfile(who, who)), score,
                    value.apply(score), stream.equals(m.forfeitedStream()));
        }
    }

    @Type("MatchEdge")
    public record Edge(@NonNull String cursor, @NonNull MatchView node) {
    }

    @Type("MatchConnection")
    public record MatchConnection(@NonNull List<@NonNull Edge> edges, @NonNull List<@NonNull MatchView> nodes, @NonNull PageInfo pageInfo) {
        static MatchConnection of(Page<Matches.Match> page, List<MatchView> views) {
            List<Edge> edges = new ArrayList<>();
            for (int i = 0; i < views.size(); i++) {
                edges.add(new Edge(page.cursors().get(i), views.get(i)));
            }
            return new MatchConnection(edges, views, page.pageInfo());
        }
    }
}
