package com.coinstream.engagement;

import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import java.util.function.LongFunction;

import jakarta.annotation.security.RolesAllowed;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.GraphQLApi;
import org.eclipse.microprofile.graphql.Id;
import org.eclipse.microprofile.graphql.Input;
import org.eclipse.microprofile.graphql.Mutation;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Query;
import org.eclipse.microprofile.graphql.Type;

import com.coinstream.catalogue.CatalogueGift;
import com.coinstream.catalogue.GiftCatalogue;
import com.coinstream.domain.Ids;
import com.coinstream.domain.NotFound;
import com.coinstream.domain.Money;
import com.coinstream.domain.UserError;
import com.coinstream.graphql.ApiSecurity;
import com.coinstream.graphql.PersonText;
import com.coinstream.graphql.Payloads;
import com.coinstream.identity.CurrentCaller;
import com.coinstream.identity.Role;

import io.smallrye.mutiny.Uni;

/** Stream goals: "help me reach 1,000 Roses". */
@GraphQLApi
@ApiSecurity
public class GoalsApi {
    private final CurrentCaller caller;
    private final StreamGoals goals;
    private final GiftCatalogue catalogue;
    private final Valuers valuers;
    private final Payloads payloads;

    public GoalsApi(CurrentCaller caller, StreamGoals goals, GiftCatalogue catalogue, Valuers valuers, Payloads payloads) {
        this.caller = caller;
        this.goals = goals;
        this.catalogue = catalogue;
        this.valuers = valuers;
        this.payloads = payloads;
    }

    @Mutation("setStreamGoal")
    @Description("Creators: set a goal on your live stream: coins received (kind COINS), or a number of one gift (kind GIFT, with giftId). "
            + "At most 3 active goals a stream (GOAL_LIMIT_REACHED). It counts the gifts committed from now until it ends (endStreamGoal, "
            + "or the end of the stream); refunds later on do not undo it.")
    @RolesAllowed(Role.CREATOR)
    public Uni<@NonNull StreamGoalPayload> setStreamGoal(@NonNull SetStreamGoalInput input) {
        return payloads.orRefusal(caller.get().flatMap(c -> Payloads.guarded(() -> goals.set(c, input.streamId, input.title, input.kind,
                input.giftId, input.target)).flatMap(goal -> valuers.afterCommit().map(value -> StreamGoal.of(goal, catalogue, value))))
                .map(goal -> new StreamGoalPayload(goal, List.of())), e -> new StreamGoalPayload(null, List.of(e)));
    }

    @Mutation("endStreamGoal")
    @Description("Creators: end a goal of your live stream. It stays in the stream's goals with its final progress.")
    @RolesAllowed(Role.CREATOR)
    public Uni<@NonNull StreamGoalPayload> endStreamGoal(@NonNull EndStreamGoalInput input) {
        return payloads.orRefusal(caller.get().flatMap(c -> Payloads.guarded(() -> goals.end(c, input.goalId))
                .flatMap(goal -> valuers.afterCommit().map(value -> StreamGoal.of(goal, catalogue, value))))
                .map(goal -> new StreamGoalPayload(goal, List.of())), e -> new StreamGoalPayload(null, List.of(e)));
    }

    @Query("streamGoals")
    @Description("Public: a stream's goals, active ones first, then newest first (the last 100), with progress in coins and in real money "
            + "for you. Live progress: the streamActivity subscription.")
    public Uni<@NonNull List<@NonNull StreamGoal>> streamGoals(@NonNull @Id String streamId) {
        var id = Ids.parse(streamId);
        if (id.isEmpty()) {
            return Uni.createFrom().failure(new NotFound("No such live stream"));
        }
        return goals.ofStream(id.get()).flatMap(list -> valuers.forCaller()
                .map(value -> list.stream().map(g -> StreamGoal.of(g, catalogue, value)).toList()));
    }

    @Input("SetStreamGoalInput")
    public static class SetStreamGoalInput {
        @NonNull
        @Id
        public String streamId;
        @PersonText(max = 80)
        @NonNull
        @Description("What the room sees, 1-80 characters.")
        public String title;
        @NonNull
        public StreamGoals.Kind kind;
        @Id
        @Description("The gift to count, for kind GIFT.")
        public String giftId;
        @NonNull
        @Description("Coins (COINS) or number of the gift (GIFT) to reach, 1-1000000000.")
        public BigInteger target;
    }

    @Input("EndStreamGoalInput")
    public static class EndStreamGoalInput {
        @NonNull
        @Id
        public String goalId;
    }

    @Type("StreamGoalPayload")
    public record StreamGoalPayload(StreamGoal goal, @NonNull List<@NonNull UserError> userErrors) {
    }

    @Type("StreamGoal")
    @Description("A creator's goal on a live stream. Progress counts exactly the gifts committed while it was active.")
    public record StreamGoal(@Id @NonNull String id, @Id @NonNull String streamId, @NonNull String title, @NonNull StreamGoals.Kind kind,
            @Description("The gift counted, for kind GIFT.") CatalogueGift gift,
            @Description("Coins (COINS) or number of the gift (GIFT) to reach.") long target,
            @Description("Coins (COINS) or number of the gift (GIFT) so far.") long progress,
            @Description("Coins of the gifts counted so far (equal to progress for COINS).") long coins,
            @Description("Those coins in real money, for you.") Money value,
            @Description("The target in real money, for you (a GIFT goal: at the gift's current price).") Money targetValue,
            boolean reached, Instant reachedAt, @NonNull Instant createdAt, Instant endedAt, boolean active) {

        static StreamGoal of(StreamGoals.Goal g, GiftCatalogue catalogue, LongFunction<Money> value) {
            CatalogueGift gift = g.giftId() == null ? null : catalogue.find(g.giftId()).orElse(null);
            long targetCoins = g.kind() == StreamGoals.Kind.COINS ? g.target() : gift == null ? 0 : Math.multiplyExact(g.target(), gift.coins());
            return new StreamGoal(g.id().toString(), g.streamId().toString(), g.title(), g.kind(), gift, g.target(), g.progress(), g.coins(),
                    value.apply(g.coins()), value.apply(targetCoins), g.reachedAt() != null, g.reachedAt(), g.createdAt(), g.endedAt(),
                    g.active());
        }
    }
}
