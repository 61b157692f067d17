package com.coinstream.payout;

import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;

import org.eclipse.microprofile.graphql.DefaultValue;
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
import com.coinstream.graphql.Payloads;
import com.coinstream.graphql.PersonText;
import com.coinstream.graphql.Range;
import com.coinstream.identity.Caller;
import com.coinstream.identity.CurrentCaller;
import com.coinstream.identity.Role;

import io.smallrye.mutiny.Uni;

@GraphQLApi
@ApiSecurity
public class PayoutApi {
    private final CurrentCaller caller;
    private final PayoutAccounts accounts;
    private final PayoutService payouts;
    private final PayoutStore store;

    private final Payloads payloads;
    private final PayoutPolicy.Policies policy;
    private final AdminActions actions;

    public PayoutApi(CurrentCaller caller, PayoutAccounts accounts, PayoutService payouts, PayoutStore store, Payloads payloads,
            PayoutPolicy.Policies policy, AdminActions actions) {
        this.actions = actions;
        this.policy = policy;
        this.payloads = payloads;
        this.caller = caller;
        this.accounts = accounts;
        this.payouts = payouts;
        this.store = store;
    }

    @Mutation("registerPayoutAccount")
    @Description("Creators: register where to be paid, with your payment provider's token (never raw bank numbers). An admin verifies it.")
    @RolesAllowed(Role.CREATOR)
    public Uni<@NonNull PayoutAccountPayload> registerPayoutAccount(@NonNull RegisterPayoutAccountInput input) {
        return payloads.orRefusal(caller.get().flatMap(c -> Payloads.guarded(() -> accounts.register(c, input.kind == null ? null
                : input.kind.name(), input.externalToken, input.label)))
                .map(a -> new PayoutAccountPayload(PayoutAccountView.of(a), List.of())), e -> new PayoutAccountPayload(null, List.of(e)));
    }

    @Query("payoutAccounts")
    @Description("Creators: your payout accounts (tokens masked).")
    @RolesAllowed(Role.CREATOR)
    public Uni<@NonNull List<@NonNull PayoutAccountView>> payoutAccounts() {
        return caller.get().flatMap(c -> accounts.of(c.userId())).map(list -> list.stream().map(PayoutAccountView::of).toList());
    }

    @Query("payoutAccountsToVerify")
    @Description("Admin: payout accounts that nobody has verified or refused yet, oldest first (at most 100).")
    @RolesAllowed(Role.ADMIN)
    public Uni<@NonNull List<@NonNull PayoutAccountView>> payoutAccountsToVerify(@DefaultValue("50") @Range(min = 0, max = 100) Integer first) {
        return accounts.awaitingVerification(first).map(list -> list.stream().map(PayoutAccountView::of).toList());
    }

    @Mutation("verifyPayoutAccount")
    @AdminAction("verifyPayoutAccount")
    @Description("Admin: record the KYC outcome for a payout account.")
    @RolesAllowed(Role.ADMIN)
    public Uni<@NonNull PayoutAccountPayload> verifyPayoutAccount(@NonNull VerifyPayoutAccountInput input) {
        return payloads.orRefusal(caller.get().flatMap(c -> Payloads.guarded(() -> accounts.verify(c, input.payoutAccountId,
                input.verified == null || input.verified, actions.draft())))
                .map(a -> new PayoutAccountPayload(PayoutAccountView.of(a), List.of())), e -> new PayoutAccountPayload(null, List.of(e)));
    }

    @Mutation("requestPayout")
    @Description("Creators: cash out available diamonds to a verified payout account, at the rate in force.")
    @RolesAllowed(Role.CREATOR)
    public Uni<@NonNull PayoutPayload> requestPayout(@NonNull RequestPayoutInput input) {
        return payloads.orRefusal(caller.get().flatMap(c -> Payloads.guarded(() -> payouts.request(c, input.diamonds, input.payoutAccountId,
                input.idempotencyKey))).map(p -> new PayoutPayload(p, List.of())), e -> new PayoutPayload(null, List.of(e)));
    }

    @Query("payoutPolicy")
    @Description("Public: the payout rules: the smallest payout, the daily maximum in your currency, and the diamond hold.")
    public @NonNull PayoutPolicy payoutPolicy() {
        return policy.current(caller.optional().map(Caller::region).orElse(null));
    }

    @Query("payouts")
    @Description("Creators: your payouts, newest first, with their expected payment dates.")
    @RolesAllowed(Role.CREATOR)
    public Uni<@NonNull PayoutConnection> payouts(Integer first, String after) {
        return caller.get().flatMap(c -> Payloads.guarded(() -> store.ofCreator(c.userId(), first, after))).map(PayoutConnection::of);
    }

    @Query("payoutQueue")
    @Description("Admin: payouts in a status (default REQUESTED), oldest first; only one creator's with creatorId.")
    @RolesAllowed(Role.ADMIN)
    public Uni<@NonNull PayoutConnection> payoutQueue(@DefaultValue("REQUESTED") PayoutStatus status, String creatorId, Integer first,
            String after) {
        String creator = creatorId == null || creatorId.isBlank() ? null : creatorId.strip();
        return Payloads.guarded(() -> store.queue(status, creator, first, after)).map(PayoutConnection::of);
    }

    @Mutation("approvePayout")
    @AdminAction("approvePayout")
    @RolesAllowed(Role.ADMIN)
    public Uni<@NonNull PayoutPayload> approvePayout(@NonNull PayoutActionInput input) {
        return act(input.payoutId, PayoutService.Action.APPROVE, input.reason);
    }

    @Mutation("rejectPayout")
    @AdminAction("rejectPayout")
    @Description("Admin: refuse a payout; its diamonds return to available in a reversing entry.")
    @RolesAllowed(Role.ADMIN)
    public Uni<@NonNull PayoutPayload> rejectPayout(@NonNull PayoutActionInput input) {
        return act(input.payoutId, PayoutService.Action.REJECT, input.reason);
    }

    @Mutation("markPayoutPaid")
    @AdminAction("markPayoutPaid")
    @Description("Admin: the money has left; record the provider's reference.")
    @RolesAllowed(Role.ADMIN)
    public Uni<@NonNull PayoutPayload> markPayoutPaid(@NonNull MarkPayoutPaidInput input) {
        return act(input.payoutId, PayoutService.Action.MARK_PAID, input.externalReference);
    }

    @Mutation("markPayoutFailed")
    @AdminAction("markPayoutFailed")
    @Description("Admin: the transfer failed; the diamonds return to available in a reversing entry.")
    @RolesAllowed(Role.ADMIN)
    public Uni<@NonNull PayoutPayload> markPayoutFailed(@NonNull PayoutActionInput input) {
        return act(input.payoutId, PayoutService.Action.MARK_FAILED, input.reason);
    }

    private Uni<PayoutPayload> act(String payoutId, PayoutService.Action action, String note) {
        return payloads.orRefusal(caller.get().flatMap(c -> Payloads.guarded(() -> payouts.transition(c, payoutId, action, note, actions.draft())))
                .map(p -> new PayoutPayload(p, List.of())), e -> new PayoutPayload(null, List.of(e)));
    }

    @Description("Where it is paid.")
    public Uni<@NonNull List<PayoutAccountView>> payoutAccount(@Source List<Payout> list) {
        List<UUID> ids = list.stream().map(Payout::payoutAccountId).distinct().toList();
        return accounts.byIds(ids).map(found -> list.stream()
                .map(p -> found.stream().filter(a -> a.id.equals(p.payoutAccountId())).findFirst().map(PayoutAccountView::of).orElse(null))
                .toList());
    }

    @Description("Every status change: who made it and when.")
    public Uni<@NonNull List<@NonNull List<Payout.@NonNull Transition>>> transitions(@Source List<Payout> list) {
        return store.transitions(list.stream().map(Payout::uuid).toList())
                .map(found -> list.stream().map(p -> found.getOrDefault(p.uuid(), List.of())).toList());
    }

    public enum PayoutKind {
        PAYPAL, BANK
    }

    @Input("RegisterPayoutAccountInput")
    public static class RegisterPayoutAccountInput {
        @NonNull
        public PayoutKind kind;
        @PersonText(max = 128)
        @NonNull
        @Description("The payment provider's token for the account (for example a PayPal payer id or a bank-account token).")
        public String externalToken;
        @PersonText(max = 64)
        @NonNull
        public String label;
    }

    @Input("VerifyPayoutAccountInput")
    public static class VerifyPayoutAccountInput {
        @NonNull
        @Id
        public String payoutAccountId;
        @DefaultValue("true")
        public Boolean verified;
    }

    @Input("RequestPayoutInput")
    public static class RequestPayoutInput {
        @NonNull
        public BigInteger diamonds;
        @NonNull
        @Id
        public String payoutAccountId;
        @PersonText(max = 255)
        @NonNull
        public String idempotencyKey;
    }

    @Input("PayoutActionInput")
    public static class PayoutActionInput {
        @NonNull
        @Id
        public String payoutId;
        @PersonText(max = 500, multiline = true)
        @Description("Why (required to reject or mark failed).")
        public String reason;
    }

    @Input("MarkPayoutPaidInput")
    public static class MarkPayoutPaidInput {
        @NonNull
        @Id
        public String payoutId;
        @PersonText(max = 500, multiline = true)
        @NonNull
        public String externalReference;
    }

    @Type("PayoutAccount")
    public record PayoutAccountView(@Id @NonNull String id, @NonNull String kind, @NonNull String maskedToken, @NonNull String label,
            boolean verified, @Description("The creator who registered it.") @NonNull String ownerId, @NonNull Instant createdAt) {
        static PayoutAccountView of(PayoutAccount a) {
            return new PayoutAccountView(a.id.toString(), a.kind, a.maskedToken(), a.label, a.verified, a.ownerId, a.createdAt);
        }
    }

    @Type("PayoutAccountPayload")
    public record PayoutAccountPayload(PayoutAccountView payoutAccount, @NonNull List<@NonNull UserError> userErrors) {
    }

    @Type("PayoutPayload")
    public record PayoutPayload(Payout payout, @NonNull List<@NonNull UserError> userErrors) {
    }

    @Type("PayoutConnection")
    public record PayoutConnection(@NonNull List<@NonNull Edge> edges, @NonNull List<@NonNull Payout> nodes, @NonNull PageInfo pageInfo) {
        static PayoutConnection of(Page<Payout> page) {
            return new PayoutConnection(page.edges(Edge::new), page.nodes(), page.pageInfo());
        }
    }

    @Type("PayoutEdge")
    public record Edge(@NonNull String cursor, @NonNull Payout node) {
    }

}
