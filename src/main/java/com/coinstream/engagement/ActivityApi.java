package com.coinstream.engagement;

import java.time.Instant;
import java.util.UUID;
import java.util.function.LongFunction;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.GraphQLApi;
import org.eclipse.microprofile.graphql.Id;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

import com.coinstream.catalogue.CatalogueGift;
import com.coinstream.catalogue.GiftCatalogue;
import com.coinstream.domain.BadInput;
import com.coinstream.domain.NotFound;
import com.coinstream.domain.Ids;
import com.coinstream.domain.Money;
import com.coinstream.gifting.StreamAccess;
import com.coinstream.graphql.ApiSecurity;

import io.smallrye.graphql.api.Subscription;
import io.smallrye.mutiny.Multi;

/** streamActivity: combos, goal progress (and match scores) of a stream, beside giftEvents. */
@GraphQLApi
@ApiSecurity
public class ActivityApi {
    private final StreamActivityFeed feed;
    private final StreamAccess access;
    private final Valuers valuers;
    private final GiftCatalogue catalogue;

    public ActivityApi(StreamActivityFeed feed, StreamAccess access, Valuers valuers, GiftCatalogue catalogue) {
        this.feed = feed;
        this.access = access;
        this.valuers = valuers;
        this.catalogue = catalogue;
    }

    @Subscription("streamActivity")
    @Description("A stream's combos (COMBO as one grows, COMBO_ENDED with its total), its goals (GOAL_SET, GOAL_PROGRESS, GOAL_REACHED, "
            + "GOAL_ENDED) and its match (MATCH_INVITED, MATCH_STARTED, MATCH_SCORE, MATCH_ENDED), from committed gifts only, "
            + "with coins in real money for you. Signed in (connection_init), or with the creator's overlayKey. Single gifts stay "
            + "on giftEvents.")
    public Multi<StreamActivity> streamActivity(@NonNull @Id String streamId,
            @Description("A read-only overlay key of the stream's creator, instead of a sign-in.") String overlayKey) {
        var id = Ids.parse(streamId);
        if (id.isEmpty()) {
            return Multi.createFrom().failure(new NotFound("No such live stream"));
        }
        // (a stream that has ended has nothing more to tell: the subscription completes at once)
        return access.check(id.get(), overlayKey).onItem().transformToMulti(reader -> valuers.forCaller().onItem()
                .transformToMulti(value -> access.follow(reader, feed.endGrace(), !reader.live() ? Multi.createFrom().<StreamActivity> empty()
                        : feed.stream(id.get()).map(a -> StreamActivity.of(a, catalogue, value)))));
    }

    @Type("StreamActivity")
    @Description("Something that happened in a stream: a combo, or a goal. The field of its kind is set.")
    public record StreamActivity(@NonNull StreamActivityFeed.Kind kind, @Id @NonNull String streamId, GiftCombo combo,
            GoalsApi.StreamGoal goal, MatchScore match, @NonNull Instant at) {

        static StreamActivity of(StreamActivityFeed.Activity a, GiftCatalogue catalogue, LongFunction<Money> value) {
            return new StreamActivity(a.kind(), a.streamId().toString(), a.combo() == null ? null : GiftCombo.of(a.combo(), catalogue, value),
                    a.goal() == null ? null : GoalsApi.StreamGoal.of(a.goal(), catalogue, value),
                    a.match() == null ? null : MatchScore.of(a.match(), a.streamId(), value), a.at());
        }
    }

    @Type("MatchScore")
    @Description("A match as the battle bar needs it (names and supporters: query match(id)).")
    public record MatchScore(@Id @NonNull String matchId, @NonNull Matches.Status status,
            @Description("Whose stream this activity is about: true for the inviter's.") boolean inviterSide,
            long inviterScore, long inviteeScore, @Description("In real money, for you.") Money inviterValue, Money inviteeValue,
            Instant endsAt, Matches.Winner winner) {

        static MatchScore of(Matches.Match m, UUID streamId, LongFunction<Money> value) {
            return new MatchScore(m.id().toString(), m.status(), m.inviterStream().equals(streamId), m.inviterScore(), m.inviteeScore(),
                    value.apply(m.inviterScore()), value.apply(m.inviteeScore()), m.endsAt(), m.winner());
        }
    }

    @Type("GiftCombo")
    @Description("Repeated gifts of one kind from one sender in a stream, each within the combo window of the last: one growing streak. "
            + "Each gift is still its own receipt and ledger entry.")
    public record GiftCombo(@Id @NonNull @Description("The combo's first gift event's id.") String id,
            @NonNull @Description("\"Anonymous\" for anonymous gifts.") String senderName, CatalogueGift gift,
            @Description("Gifts in the combo, quantities added up (x12).") long count,
            @Description("sendGift calls in the combo.") int gifts, @Description("Coins of the combo so far.") long coins,
            @Description("Those coins in real money, for you.") Money value, @NonNull Instant startedAt,
            @NonNull @Description("When the combo ends unless another gift comes.") Instant endsAt, boolean ended) {

        static GiftCombo of(Combos.Combo c, GiftCatalogue catalogue, LongFunction<Money> value) {
            return new GiftCombo(c.id(), c.senderName(), catalogue.find(c.giftId()).orElse(null), c.count(), c.gifts(), c.coins(),
                    value.apply(c.coins()), c.startedAt(), c.endsAt(), c.ended());
        }
    }
}
