package com.coinstream.gifting;

import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;

import org.eclipse.microprofile.graphql.DefaultValue;
import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.GraphQLApi;
import org.eclipse.microprofile.graphql.Id;
import org.eclipse.microprofile.graphql.Input;
import org.eclipse.microprofile.graphql.Mutation;
import org.eclipse.microprofile.graphql.Name;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Query;
import org.eclipse.microprofile.graphql.Source;
import org.eclipse.microprofile.graphql.Type;

import com.coinstream.catalogue.CatalogueGift;
import com.coinstream.catalogue.Gift;
import com.coinstream.catalogue.GiftCatalogue;
import com.coinstream.domain.BadInput;
import com.coinstream.domain.NotFound;
import com.coinstream.domain.Ids;
import com.coinstream.domain.Page;
import com.coinstream.live.StreamDirectory;
import com.coinstream.domain.PageInfo;
import com.coinstream.domain.UserError;
import com.coinstream.graphql.ApiSecurity;
import com.coinstream.graphql.PersonText;
import com.coinstream.graphql.Range;
import com.coinstream.graphql.Payloads;
import com.coinstream.identity.CurrentCaller;
import com.coinstream.identity.PublicProfile;
import com.coinstream.identity.Role;
import com.coinstream.identity.UserDirectory;
import com.coinstream.live.LiveStreams;
import com.coinstream.live.StreamView;
import com.coinstream.metrics.BusinessMetrics;
import com.coinstream.protection.SpendingLimits;
import com.coinstream.wallet.Wallet;

import io.smallrye.graphql.api.Subscription;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

@GraphQLApi
@ApiSecurity
public class GiftingApi {
    private final CurrentCaller caller;
    private final GiftingService gifting;
    private final GiftEvents events;
    private final GiftFeed feed;
    private final GiftAcknowledgements acknowledgements;
    private final GiftCatalogue catalogue;
    private final LiveStreams streams;
    private final UserDirectory users;
    private final BusinessMetrics metrics;
    private final StreamAccess access;

    private final Payloads payloads;

    public GiftingApi(CurrentCaller caller, GiftingService gifting, GiftEvents events, GiftFeed feed,
            GiftAcknowledgements acknowledgements, GiftCatalogue catalogue, LiveStreams streams, UserDirectory users,
            BusinessMetrics metrics, Payloads payloads, StreamAccess access) {
        this.access = access;
        this.payloads = payloads;
        this.metrics = metrics;
        this.caller = caller;
        this.gifting = gifting;
        this.events = events;
        this.feed = feed;
        this.acknowledgements = acknowledgements;
        this.catalogue = catalogue;
        this.streams = streams;
        this.users = users;
    }

    @Mutation("sendGift")
    @Description("Send a gift in a live stream: coins leave your wallet, the creator's diamonds grow and the platform books its commission, in one ledger entry.")
    @RolesAllowed({ Role.VIEWER, Role.CREATOR })
    public Uni<@NonNull SendGiftPayload> sendGift(@NonNull SendGiftInput input) {
        long started = System.nanoTime();
        return payloads.orRefusal(caller.get()
                .flatMap(c -> Payloads.guarded(() -> gifting.send(c,
                        new GiftingService.SendGift(input.streamId, input.giftId, input.quantity, input.idempotencyKey,
                                input.anonymous, Boolean.TRUE.equals(input.confirmed)))))
                .map(sent -> new SendGiftPayload(sent.receipt(), sent.wallet(), null, List.of()))
                .onFailure(GiftingService.LimitReached.class).recoverWithItem(e -> new SendGiftPayload(null, null,
                        ((GiftingService.LimitReached) e).status(), List.of(((GiftingService.LimitReached) e).error()))),
                e -> new SendGiftPayload(null, null, null, List.of(e)))
                .onTermination().invoke(() -> metrics.sendGiftTook(Duration.ofNanos(System.nanoTime() - started)));
    }

    @Mutation("acknowledgeGift")
    @Description("Creators: thank the sender of a gift in your stream. Shown on the event and in the sender's receipts.")
    @RolesAllowed(Role.CREATOR)
    public Uni<@NonNull AcknowledgeGiftPayload> acknowledgeGift(@NonNull AcknowledgeGiftInput input) {
        return payloads.orRefusal(caller.get().flatMap(c -> Payloads.guarded(() -> acknowledgements.acknowledge(c, input.giftEventId)))
                .map(event -> new AcknowledgeGiftPayload(event, List.of())), e -> new AcknowledgeGiftPayload(null, List.of(e)));
    }

    @Subscription("giftEvents")
    @Description("Gifts in a live stream as they are committed, from any service instance, numbered per stream (`sequence`). Signed in: authenticate in connection_init: {\"Authorization\": \"Bearer <token>\"}. A stream overlay passes its creator's `overlayKey` instead.")
    public Multi<GiftEvent> giftEvents(@NonNull @Id String streamId, @Description("A read-only overlay key of the stream's creator, instead of a sign-in.") String overlayKey,
            @Description("The last sequence number you have: the events committed after it (at most 100) come first, then live ones, so nothing committed while you subscribed is missed. Leave out to start at the live edge.")
            @Range(min = 0, max = Long.MAX_VALUE) BigInteger after) {
        var id = Ids.parse(streamId);
        if (id.isEmpty()) {
            return Multi.createFrom().failure(new NotFound("No such live stream"));
        }
        // (a stream that has ended: the events after `after`, if asked for, and the subscription completes)
        return access.check(id.get(), overlayKey).onItem().transformToMulti(reader -> access.follow(reader, StreamDirectory.ENDED_GRACE,
                !reader.live() ? (after == null ? Multi.createFrom().<GiftEvent> empty()
                        : events.inStream(id.get(), after.longValueExact(), Page.MAX_PAGE_SIZE).onItem().transformToMulti(Multi.createFrom()::iterable))
                        : after == null ? feed.stream(id.get())
                                : feed.streamAfter(id.get(), after.longValueExact(), events.inStream(id.get(), after.longValueExact(), Page.MAX_PAGE_SIZE))));
    }

    @Query("streamEvents")
    @Description("A stream's gift events after sequence number `after` (default 0), oldest first, at most `first` (default 20, at most 100): what a client missed while reconnecting, or when its feed showed a gap. Signed in, or with the creator's `overlayKey`.")
    public Uni<@NonNull List<@NonNull GiftEvent>> streamEvents(@NonNull @Id String streamId,
            @Range(min = 0, max = Long.MAX_VALUE) BigInteger after, Integer first,
            @Description("A read-only overlay key of the stream's creator, instead of a sign-in.") String overlayKey) {
        var id = Ids.parse(streamId);
        if (id.isEmpty()) {
            return Uni.createFrom().failure(new NotFound("No such live stream"));
        }
        return access.check(id.get(), overlayKey)
                .flatMap(reader -> events.inStream(id.get(), after == null ? 0 : after.longValueExact(), Page.size(first)));
    }

    @Query("giftReceipts")
    @Description("Gifts you have sent, newest first.")
    @RolesAllowed({ Role.VIEWER, Role.CREATOR, Role.ADMIN })
    public Uni<@NonNull GiftReceiptConnection> giftReceipts(Integer first, String after) {
        return caller.get().flatMap(c -> Payloads.guarded(() -> events.sentBy(c.userId(), first, after)))
                .map(GiftReceiptConnection::of);
    }

    @Query("giftsReceived")
    @Description("Creators: gifts received in your streams, newest first (the same receipts their senders see).")
    @RolesAllowed(Role.CREATOR)
    public Uni<@NonNull GiftReceiptConnection> giftsReceived(Integer first, String after) {
        return caller.get().flatMap(c -> Payloads.guarded(() -> events.receivedBy(c.userId(), first, after)))
                .map(GiftReceiptConnection::of);
    }

    @Query("topGifters")
    @Description("A stream's biggest supporters by coins sent (public; anonymous gifts as \"Anonymous\", people who stay off leaderboards left out).")
    public Uni<@NonNull List<@NonNull Supporter>> topGifters(@NonNull @Id String streamId, @DefaultValue("10") Integer first) {
        var id = Ids.parse(streamId);
        if (id.isEmpty()) {
            return Uni.createFrom().failure(new NotFound("No such live stream"));
        }
        // (an empty board of a stream that does not exist is NOT_FOUND, as its goals and events are)
        return Payloads.guarded(() -> events.topGifters(id.get(), Page.size(first)))
                .call(list -> list.isEmpty() ? access.existing(id.get()) : Uni.createFrom().voidItem())
                .map(list -> list.stream().map(s -> new Supporter(s.anonymous() ? PublicProfile.ANONYMOUS : new PublicProfile(s.userId(), s.displayName()),
                        s.coins(), s.gifts())).toList());
    }

    // ---- batched field resolvers: a page of 100 receipts costs one statement per related type ----

    @Description("The gift sent.")
    public @NonNull List<CatalogueGift> gift(@Source List<GiftReceipt> receipts) {
        Map<UUID, CatalogueGift> all = catalogue.snapshot();
        return receipts.stream().map(r -> all.get(r.giftId())).toList();
    }

    @Description("The stream it was sent in.")
    public Uni<@NonNull List<StreamView>> stream(@Source List<GiftReceipt> receipts) {
        return streams.views(receipts.stream().map(GiftReceipt::streamId).distinct().toList())
                .map(found -> receipts.stream().map(r -> found.get(r.streamId())).toList());
    }

    @Description("Who sent it.")
    public Uni<@NonNull List<PublicProfile>> sender(@Source List<GiftReceipt> receipts) {
        String me = caller.optional().map(c -> c.userId()).orElse(null);
        return users.profiles(receipts.stream().map(GiftReceipt::senderId).distinct().toList())
                .map(found -> receipts.stream().map(r -> r.anonymous() && !r.senderId().equals(me) ? PublicProfile.ANONYMOUS
                        : found.get(r.senderId())).toList());
    }

    @Description("Who received it.")
    public Uni<@NonNull List<PublicProfile>> creator(@Source List<GiftReceipt> receipts) {
        return users.profiles(receipts.stream().map(GiftReceipt::creatorId).distinct().toList())
                .map(found -> receipts.stream().map(r -> found.get(r.creatorId())).toList());
    }

    @Name("gift")
    @Description("The gift sent (its current catalogue entry; `coins` on the event is what was paid).")
    public @NonNull List<CatalogueGift> eventGift(@Source List<GiftEvent> events) {
        Map<UUID, CatalogueGift> all = catalogue.snapshot();
        return events.stream().map(e -> all.get(e.giftId())).toList();
    }

    @Input("SendGiftInput")
    public static class SendGiftInput {
        @NonNull
        @Id
        public String streamId;
        @NonNull
        @Id
        public String giftId;
        @DefaultValue("1")
        @Description("1-99; more than one is a combo. A whole number (checked exactly, never truncated).")
        public BigInteger quantity;
        @PersonText(max = 255)
        @NonNull
        @Description("Client-chosen unique key (a UUID). Same key and input replays the original receipt.")
        public String idempotencyKey;
        @Description("Send anonymously: the feed, goals, matches, leaderboards and the creator see \"Anonymous\". Left out: your choice (Me.anonymousByDefault, off unless you set it).")
        public Boolean anonymous;
        @Description("Send past your session reminder (setSessionReminder): the answer to CONFIRMATION_REQUIRED. Not part of the "
                + "request's identity: a retry with the same key and this flag is the same gift.")
        public Boolean confirmed;
    }

    @Input("AcknowledgeGiftInput")
    public static class AcknowledgeGiftInput {
        @NonNull
        @Id
        public String giftEventId;
    }

    @Type("SendGiftPayload")
    public record SendGiftPayload(GiftReceipt receipt, @Description("Your wallet after the gift.") Wallet wallet,
            @Description("When refused with SPENDING_LIMIT_REACHED: the limit, what remains and when it resets.") SpendingLimits.Status spendingLimit,
            @NonNull List<@NonNull UserError> userErrors) {
    }

    @Type("AcknowledgeGiftPayload")
    public record AcknowledgeGiftPayload(GiftEvent giftEvent, @NonNull List<@NonNull UserError> userErrors) {
    }

    @Type("Supporter")
    public record Supporter(@NonNull PublicProfile supporter, @Description("Coins sent in the stream.") long coins,
            @Description("Gift events sent.") long gifts) {
    }

    @Type("GiftReceiptConnection")
    public record GiftReceiptConnection(@NonNull List<@NonNull Edge> edges, @NonNull List<@NonNull GiftReceipt> nodes,
            @NonNull PageInfo pageInfo) {
        static GiftReceiptConnection of(Page<GiftReceipt> page) {
            return new GiftReceiptConnection(page.edges(Edge::new), page.nodes(), page.pageInfo());
        }
    }

    @Type("GiftReceiptEdge")
    public record Edge(@NonNull String cursor, @NonNull GiftReceipt node) {
    }
}
