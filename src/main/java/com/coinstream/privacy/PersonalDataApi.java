package com.coinstream.privacy;

import java.time.Instant;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;

import org.eclipse.microprofile.graphql.DefaultValue;
import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.GraphQLApi;
import org.eclipse.microprofile.graphql.Id;
import org.eclipse.microprofile.graphql.Input;
import org.eclipse.microprofile.graphql.Mutation;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Query;
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
import com.coinstream.identity.Role;

import io.smallrye.mutiny.Uni;

/** A person's data: export, and erasure (README "A person's data and retention"). */
@GraphQLApi
@ApiSecurity
public class PersonalDataApi {
    private final CurrentCaller caller;
    private final PersonalData data;
    private final Payloads payloads;
    private final AdminActions actions;
    private final com.coinstream.web.SentResponses sentResponses;

    public PersonalDataApi(CurrentCaller caller, PersonalData data, Payloads payloads, AdminActions actions,
            com.coinstream.web.SentResponses sentResponses) {
        this.caller = caller;
        this.data = data;
        this.payloads = payloads;
        this.actions = actions;
        this.sentResponses = sentResponses;
    }

    @Query("exportMyData")
    @Description("Every personal datum Coinstream holds about you, as one JSON document: profile, purchases, balances, ledger lines, daily spending, reversals, gifts sent, gifts received per stream, streams, limits, payout accounts (masked), payouts, webhook subscriptions, overlay keys, audit records about you and erasure requests. Each list that grows with use holds its latest 10,000 entries beside its total (purchasesTotal, giftsSentTotal, ...); purchases, gifts sent and reversals, every one, are in GET /exports/history.csv. Also at GET /exports/my-data.json.")
    @RolesAllowed({ Role.VIEWER, Role.CREATOR, Role.ADMIN })
    public Uni<@NonNull PersonalDataExport> exportMyData() {
        var sent = sentResponses.ofCurrentRequest();
        return caller.get().flatMap(c -> data.export(c.userId(), sent)).map(json -> new PersonalDataExport(Instant.now(), json));
    }

    @Mutation("requestErasure")
    @Description("Ask for your account to be erased. An admin completes it after the waiting period; until then nothing changes. Asking again answers the open request.")
    @RolesAllowed({ Role.VIEWER, Role.CREATOR, Role.ADMIN })
    public Uni<@NonNull ErasurePayload> requestErasure(@NonNull RequestErasureInput input) {
        return payloads.orRefusal(caller.get().flatMap(c -> Payloads.guarded(() -> data.request(c, input.reason)))
                .map(r -> new ErasurePayload(ErasureRequest.of(r), List.of())), e -> new ErasurePayload(null, List.of(e)));
    }

    @Query("erasureRequests")
    @Description("Admin: erasure requests, oldest first (open ones only unless all: true).")
    @RolesAllowed(Role.ADMIN)
    public Uni<@NonNull ErasureRequestConnection> erasureRequests(Integer first, String after, @DefaultValue("false") Boolean all) {
        return Payloads.guarded(() -> data.requests(first, after, !all)).map(ErasureRequestConnection::of);
    }

    @Mutation("completeErasure")
    @Description("Admin: carry out an erasure once its waiting period has passed. Refused with ERASURE_BLOCKED while a payout is in flight, a purchase is pending, diamonds are maturing, or the available diamonds reach the cash-out minimum (fewer are forfeited to the platform). The books keep every amount; the name becomes a pseudonym; remaining coins first repay a coin debt, the rest are forfeited to the platform and a debt left is written off, in one ERASURE_FORFEIT entry; the person's tokens are refused from then on.")
    @RolesAllowed(Role.ADMIN)
    @AdminAction("completeErasure")
    public Uni<@NonNull ErasurePayload> completeErasure(@NonNull CompleteErasureInput input) {
        return payloads.orRefusal(caller.get().flatMap(c -> Payloads.guarded(() -> data.complete(c, input.requestId, actions.draft())))
                .map(r -> new ErasurePayload(ErasureRequest.of(r), List.of())), e -> new ErasurePayload(null, List.of(e)));
    }

    @Type("PersonalDataExport")
    public record PersonalDataExport(@NonNull Instant exportedAt, @NonNull @Description("The JSON document, as text.") String document) {
    }

    @Input("RequestErasureInput")
    public static class RequestErasureInput {
        @PersonText(max = 500, multiline = true)
        @Description("Why, if you want to say (kept with the request).")
        public String reason;
    }

    @Input("CompleteErasureInput")
    public static class CompleteErasureInput {
        @NonNull
        @Id
        public String requestId;
        @PersonText(max = 500, multiline = true)
        @Description("Why (for the audit log).")
        public String reason;
    }

    @Type("ErasureRequest")
    public record ErasureRequest(@NonNull @Id String id, @NonNull @Id String userId, String reason, @NonNull Instant requestedAt,
            @NonNull @Description("From when an admin may complete it.") Instant eligibleAt, @NonNull @Description("REQUESTED or COMPLETED.") String status,
            Instant completedAt, @Description("Coins forfeited to the platform (after repaying the person's coin debt).") Long forfeitedCoins,
            @Description("Coins of the person's that repaid their coin debt at erasure.") long debtSettled,
            @Description("Coin debt nobody can repay any more, written off to DEBT_WRITTEN_OFF at erasure.") long debtWrittenOff,
            @Description("A creator's available diamonds, fewer than the cash-out minimum, forfeited to the platform at erasure (more block it: they are cashed out first).") long forfeitedDiamonds) {
        static ErasureRequest of(PersonalData.Request r) {
            return new ErasureRequest(r.id().toString(), r.userId(), r.reason(), r.requestedAt(), r.eligibleAt(), r.status(), r.completedAt(),
                    r.forfeitedCoins(), r.debtSettled(), r.debtWrittenOff(), r.forfeitedDiamonds());
        }
    }

    @Type("ErasurePayload")
    public record ErasurePayload(ErasureRequest erasureRequest, @NonNull List<@NonNull UserError> userErrors) {
    }

    @Type("ErasureRequestConnection")
    public record ErasureRequestConnection(@NonNull List<@NonNull Edge> edges, @NonNull List<@NonNull ErasureRequest> nodes,
            @NonNull PageInfo pageInfo) {
        static ErasureRequestConnection of(Page<PersonalData.Request> page) {
            Page<ErasureRequest> views = page.map(ErasureRequest::of);
            return new ErasureRequestConnection(views.edges(Edge::new), views.nodes(), views.pageInfo());
        }
    }

    @Type("ErasureRequestEdge")
    public record Edge(@NonNull String cursor, @NonNull ErasureRequest node) {
    }
}
