package com.coinstream.engagement;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;

import jakarta.annotation.security.RolesAllowed;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.GraphQLApi;
import org.eclipse.microprofile.graphql.Input;
import org.eclipse.microprofile.graphql.Mutation;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Query;
import org.eclipse.microprofile.graphql.Source;
import org.eclipse.microprofile.graphql.Type;

import com.coinstream.domain.BadInput;
import com.coinstream.domain.ErrorCode;
import com.coinstream.domain.Money;
import com.coinstream.domain.Page;
import com.coinstream.domain.PageInfo;
import com.coinstream.domain.Refusal;
import com.coinstream.domain.UserError;
import com.coinstream.graphql.ApiSecurity;
import com.coinstream.graphql.Payloads;
import com.coinstream.identity.CurrentCaller;
import com.coinstream.identity.ErasedAccounts;
import com.coinstream.identity.MeApi;
import com.coinstream.identity.PublicProfile;
import com.coinstream.identity.Role;
import com.coinstream.identity.UserDirectory;

import io.smallrye.mutiny.Uni;

/** Leaderboards and the privacy choice that keeps a viewer off them. */
@GraphQLApi
@ApiSecurity
public class EngagementApi {
    private final CurrentCaller caller;
    private final Leaderboards leaderboards;
    private final Privacy privacy;
    private final Valuers valuers;
    private final Payloads payloads;
    private final Clock clock;
    private final UserDirectory users;
    private final ErasedAccounts erased;

    public EngagementApi(CurrentCaller caller, Leaderboards leaderboards, Privacy privacy, Valuers valuers, Payloads payloads,
            Clock clock, UserDirectory users, ErasedAccounts erased) {
        this.users = users;
        this.erased = erased;
        this.caller = caller;
        this.leaderboards = leaderboards;
        this.privacy = privacy;
        this.valuers = valuers;
        this.payloads = payloads;
        this.clock = clock;
    }

    @Query("leaderboard")
    @Description("Public: top supporters of a creator, or top creators or gifters platform-wide, for the UTC day, ISO week (from Monday), "
            + "month or all time containing `at` (default now). Counts committed gifts, net of refunds; anonymous gifts as \"Anonymous\"; "
            + "people who stay off leaderboards are left out. Each entry's `value` is its coins in real money for you (see Wallet.moneyValue).")
    public Uni<@NonNull LeaderboardConnection> leaderboard(@NonNull LeaderboardInput input) {
        if (input.scope == null || input.period == null) {
            throw new BadInput("scope and period are required");
        }
        if (input.scope == Leaderboards.Scope.CREATOR_SUPPORTERS && (input.creatorId == null || input.creatorId.isBlank())) {
            throw new BadInput("creatorId is required for CREATOR_SUPPORTERS");
        }
        int limit = Page.size(input.first);
        Instant at = input.at == null ? clock.instant() : input.at;
        LocalDate start = input.period.start(at);
        LocalDate end = input.period.end(start);
        // a board's cursors are its own (scope, period and its start, creator as asked): one of another list or board is
        // refused, last week's too (a client paging across Monday 00:00 UTC is told, never handed ranks of another week)
        String board = "leaderboard:" + input.scope + ":" + input.period + ":" + start + ":" + (input.creatorId == null ? "" : input.creatorId);
        long offset = input.after == null || input.after.isEmpty() ? 0 : Page.after(board, input.after);
        Uni<String> creator = input.scope != Leaderboards.Scope.CREATOR_SUPPORTERS ? Uni.createFrom().<String> nullItem() : boardOwner(input.creatorId);
        return Payloads.guarded(() -> creator.flatMap(owner -> leaderboards.read(input.scope, input.period, start, owner, offset, limit + 1)))
                .flatMap(entries -> valuers.forCaller().map(value -> LeaderboardConnection.of(board, entries, limit, offset > 0, value,
                                start.atStartOfDay().toInstant(ZoneOffset.UTC), end == null ? null : end.atStartOfDay().toInstant(ZoneOffset.UTC))));
    }

    /**
     * The user whose supporters a CREATOR_SUPPORTERS board shows. An erased creator is asked for by the pseudonymous id
     * their profile shows (as on TOP_CREATORS); by their user id there is no such creator, as for liveStreams(creatorId:),
     * or the answer would tie the two together.
     */
    private Uni<String> boardOwner(String creatorId) {
        return erased.userIdOfNow(creatorId).flatMap(erasedCreator -> erasedCreator.isPresent() ? Uni.createFrom().item(erasedCreator.get())
                : erased.isErasedNow(creatorId).flatMap(gone -> gone ? Uni.createFrom().<String> failure(noSuchCreator())
                        : users.find(creatorId).map(found -> found.map(UserDirectory.UserProfile::id).orElseThrow(EngagementApi::noSuchCreator))));
    }

    private static Refusal noSuchCreator() {
        return new Refusal(ErrorCode.NOT_FOUND, "No such creator", "creatorId");
    }

    @Mutation("setPrivacy")
    @Description("Viewers: stay off leaderboards altogether (stream top gifters, creators' supporters, top gifters), or come back; "
            + "and whether your gifts start out anonymous. A setting left out stays as it is; at least one is needed (else INVALID_INPUT).")
    @RolesAllowed({ Role.VIEWER, Role.CREATOR })
    public Uni<@NonNull PrivacyPayload> setPrivacy(@NonNull SetPrivacyInput input) {
        return payloads.orRefusal(caller.get().flatMap(c -> Payloads.guarded(() -> {
            return privacy.set(c.userId(), input.hideFromLeaderboards, input.anonymousByDefault);
        })).map(now -> new PrivacyPayload(new PrivacySettings(now.hideFromLeaderboards(), now.anonymousByDefault()), List.of())),
                e -> new PrivacyPayload(null, List.of(e)));
    }

    @Description("Whether you stay off leaderboards (setPrivacy).")
    public Uni<@NonNull Boolean> hideFromLeaderboards(@Source MeApi.Me me) {
        return privacy.hiddenFromLeaderboards(me.id());
    }

    @Description("Whether your gifts are anonymous unless a gift says otherwise (setPrivacy): sendGift without `anonymous` follows it, and the web app's \"Send anonymously\" starts ticked.")
    public Uni<@NonNull Boolean> anonymousByDefault(@Source MeApi.Me me) {
        return privacy.anonymousByDefault(me.id());
    }

    @Input("LeaderboardInput")
    public static class LeaderboardInput {
        @NonNull
        public Leaderboards.Scope scope;
        @NonNull
        public Leaderboards.Period period;
        @Description("The creator, for CREATOR_SUPPORTERS.")
        public String creatorId;
        @Description("A moment in the period to show (default now). ISO-8601.")
        public Instant at;
        public Integer first;
        public String after;
    }

    @Input("SetPrivacyInput")
    @com.coinstream.graphql.AtLeastOne({ "hideFromLeaderboards", "anonymousByDefault" })
    public static class SetPrivacyInput {
        @Description("Stay off leaderboards; left out: unchanged.")
        public Boolean hideFromLeaderboards;
        @Description("Start every gift as anonymous (a client still lets you untick it for one gift); left out: unchanged.")
        public Boolean anonymousByDefault;
    }

    @Type("PrivacySettings")
    public record PrivacySettings(boolean hideFromLeaderboards, boolean anonymousByDefault) {
    }

    @Type("PrivacyPayload")
    public record PrivacyPayload(PrivacySettings privacy, @NonNull List<@NonNull UserError> userErrors) {
    }

    @Type("LeaderboardEntry")
    public record LeaderboardEntry(@Description("1 for the top.") long rank, @NonNull PublicProfile profile,
            @Description("Coins sent (supporters, gifters) or received (creators) in the period.") long coins, long gifts,
            @Description("Those coins in real money, for you.") Money value) {
    }

    @Type("LeaderboardEdge")
    public record Edge(@NonNull String cursor, @NonNull LeaderboardEntry node) {
    }

    @Type("LeaderboardConnection")
    public record LeaderboardConnection(@NonNull List<@NonNull Edge> edges, @NonNull List<@NonNull LeaderboardEntry> nodes,
            @NonNull PageInfo pageInfo, @Description("The period's first instant (UTC).") @NonNull Instant periodStart,
            @Description("The instant after the period (UTC); null for all time.") Instant periodEnd) {
        static LeaderboardConnection of(String board, List<Leaderboards.Entry> fetched, int limit, boolean hasPrevious, LongFunction<Money> value,
                Instant start, Instant end) {
            boolean hasNext = limit > 0 && fetched.size() > limit;
            List<Leaderboards.Entry> page = hasNext ? fetched.subList(0, limit) : fetched;
            List<Edge> edges = new ArrayList<>();
            for (Leaderboards.Entry e : page) {
                PublicProfile who = e.anonymous() ? PublicProfile.ANONYMOUS : new PublicProfile(e.userId(), e.displayName());
                edges.add(new Edge(Page.cursor(board, e.rank()), new LeaderboardEntry(e.rank(), who, e.coins(), e.gifts(), value.apply(e.coins()))));
            }
            List<LeaderboardEntry> nodes = edges.stream().map(Edge::node).toList();
            PageInfo info = new PageInfo(hasNext, edges.isEmpty() ? null : edges.get(edges.size() - 1).cursor(), hasPrevious,
                    edges.isEmpty() ? null : edges.get(0).cursor());
            return new LeaderboardConnection(edges, nodes, info, start, end);
        }
    }
}
