package com.coinstream.live;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.GraphQLApi;
import org.eclipse.microprofile.graphql.Id;
import org.eclipse.microprofile.graphql.Input;
import org.eclipse.microprofile.graphql.Mutation;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Query;
import org.eclipse.microprofile.graphql.Source;
import org.eclipse.microprofile.graphql.Type;

import com.coinstream.domain.Page;
import com.coinstream.domain.PageInfo;
import com.coinstream.domain.UserError;
import com.coinstream.graphql.AdminAction;
import com.coinstream.graphql.AdminActions;
import com.coinstream.graphql.ApiSecurity;
import com.coinstream.graphql.PersonText;
import com.coinstream.graphql.Payloads;
import com.coinstream.identity.CurrentCaller;
import com.coinstream.identity.PublicProfile;
import com.coinstream.identity.Role;
import com.coinstream.identity.UserDirectory;

import io.smallrye.mutiny.Uni;

@GraphQLApi
@ApiSecurity
public class LiveApi {
    private final CurrentCaller caller;
    private final LiveStreams streams;
    private final UserDirectory users;

    private final Payloads payloads;
    private final AdminActions actions;

    public LiveApi(CurrentCaller caller, LiveStreams streams, UserDirectory users, Payloads payloads, AdminActions actions) {
        this.actions = actions;
        this.payloads = payloads;
        this.caller = caller;
        this.streams = streams;
        this.users = users;
    }

    @Mutation("startLiveStream")
    @Description("Creators: go live. One live stream per creator at a time. AGE_RESTRICTED unless the token gives an age of COINSTREAM_ADULT_AGE or over (gifts are received only on a stream).")
    @RolesAllowed(Role.CREATOR)
    public Uni<@NonNull LiveStreamPayload> startLiveStream(@NonNull StartLiveStreamInput input) {
        return payloads.orRefusal(caller.get().flatMap(c -> Payloads.guarded(() -> streams.start(c, input.title)))
                .map(s -> new LiveStreamPayload(StreamView.of(s), List.of())), e -> new LiveStreamPayload(null, List.of(e)));
    }

    @Mutation("endLiveStream")
    @AdminAction(value = "endLiveStream", adminCallersOnly = true)
    @Description("End your live stream. Gifts are refused from then on.")
    @RolesAllowed({ Role.CREATOR, Role.ADMIN })
    public Uni<@NonNull LiveStreamPayload> endLiveStream(@NonNull EndLiveStreamInput input) {
        return payloads.orRefusal(caller.get().flatMap(c -> Payloads.guarded(() -> streams.end(c, input.streamId, actions.draft())))
                .map(s -> new LiveStreamPayload(StreamView.of(s), List.of())), e -> new LiveStreamPayload(null, List.of(e)));
    }

    @Query("liveStreams")
    @Description("Streams, newest first (public). `liveOnly` (default true) hides ended streams; `creatorId` shows one creator's.")
    public Uni<@NonNull LiveStreamConnection> liveStreams(Integer first, String after, Boolean liveOnly, @Id String creatorId) {
        return Payloads.guarded(() -> streams.page(first, after, liveOnly == null || liveOnly, creatorId)).map(LiveStreamConnection::of);
    }

    @Query("liveStream")
    @Description("One stream by id (public); null if there is none.")
    public Uni<StreamView> liveStream(@NonNull @Id String id) {
        return streams.byId(id).map(s -> s == null ? null : StreamView.of(s));
    }

    @Description("What the stream has received so far.")
    public Uni<@NonNull List<StreamView.@NonNull Totals>> totals(@Source List<StreamView> views) {
        return streams.totals(views.stream().map(StreamView::uuid).distinct().toList())
                .map(found -> views.stream().map(v -> found.getOrDefault(v.uuid(), new StreamView.Totals(0, 0, 0))).toList());
    }

    @Description("The creator streaming.")
    public Uni<@NonNull List<@NonNull PublicProfile>> creator(@Source List<StreamView> views) {
        return users.profiles(views.stream().map(StreamView::creatorId).distinct().toList())
                .map(found -> views.stream().map(v -> found.get(v.creatorId())).toList());
    }

    @Input("StartLiveStreamInput")
    public static class StartLiveStreamInput {
        @PersonText(max = 140)
        @NonNull
        public String title;
    }

    @Input("EndLiveStreamInput")
    public static class EndLiveStreamInput {
        @NonNull
        @Id
        public String streamId;
    }

    @Type("LiveStreamPayload")
    public record LiveStreamPayload(StreamView liveStream, @NonNull List<@NonNull UserError> userErrors) {
    }

    @Type("LiveStreamConnection")
    public record LiveStreamConnection(@NonNull List<@NonNull Edge> edges, @NonNull List<@NonNull StreamView> nodes,
            @NonNull PageInfo pageInfo) {
        static LiveStreamConnection of(Page<StreamView> page) {
            return new LiveStreamConnection(page.edges(Edge::new), page.nodes(), page.pageInfo());
        }
    }

    @Type("LiveStreamEdge")
    public record Edge(@NonNull String cursor, @NonNull StreamView node) {
    }
}
