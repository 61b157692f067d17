package com.coinstream.statements;

import java.time.Instant;
import java.time.YearMonth;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.GraphQLApi;
import org.eclipse.microprofile.graphql.Id;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Query;
import org.eclipse.microprofile.graphql.Type;

import com.coinstream.domain.Money;
import com.coinstream.graphql.ApiSecurity;
import com.coinstream.identity.CurrentCaller;
import com.coinstream.identity.Role;

import io.smallrye.mutiny.Uni;

/** Creators' monthly statements (README "Statements and exports"). */
@GraphQLApi
@ApiSecurity
public class StatementsApi {
    private final CurrentCaller caller;
    private final Statements statements;

    public StatementsApi(CurrentCaller caller, Statements statements) {
        this.caller = caller;
        this.statements = statements;
    }

    @Query("creatorStatement")
    @Description("Creators: your statement for a UTC calendar month (YYYY-MM), from the ledger: diamond balances at its start and end, diamonds earned per stream, reversed, matured, requested, paid out and returned, and the payouts closed in it. The same as CSV at csvPath.")
    @RolesAllowed(Role.CREATOR)
    public Uni<@NonNull CreatorStatement> creatorStatement(@NonNull String month) {
        YearMonth m = Statements.month(month);
        return caller.get().flatMap(c -> statements.statement(c.userId(), m)).map(CreatorStatement::of);
    }

    @Type("StatementBalances")
    public record DiamondBalances(long pending, long available, long inPayout) {
        static DiamondBalances of(Statements.Balances b) {
            return new DiamondBalances(b.pending(), b.available(), b.inPayout());
        }
    }

    @Type("StatementStream")
    public record StatementStream(@NonNull @Id String streamId, @NonNull String title, @NonNull Instant startedAt, long gifts, long diamonds) {
    }

    @Type("StatementPayout")
    public record StatementPayout(@NonNull @Id String payoutId, @NonNull String status, long diamonds, @NonNull Money amount,
            String externalReference, @NonNull @Description("When it was paid, rejected or failed.") Instant closedAt) {
    }

    @Type("StatementOtherStreams")
    @Description("Streams of the month past those a statement lists, summed (none, for all but the busiest creators).")
    public record StatementOtherStreams(@Description("How many.") long streams, long gifts, long diamonds) {
    }

    @Type("CreatorStatement")
    public record CreatorStatement(@NonNull String month, @NonNull Instant from, @NonNull Instant to, @NonNull DiamondBalances opening,
            @NonNull DiamondBalances closing, @Description("Diamonds credited by gifts (pending).") long earned,
            @Description("Pending diamonds removed by refunds and chargebacks.") long reversed,
            @Description("Diamonds that passed the hold (pending to available).") long matured,
            @Description("Diamonds set aside for payouts requested.") long payoutsRequested, @Description("Diamonds paid out.") long paidOut,
            @Description("Diamonds of rejected or failed payouts, back to available.") long payoutsReturned,
            @NonNull @Description("The streams that earned diamonds in the month: the 1,000 that earned most, in start order.") List<@NonNull StatementStream> streams,
            @NonNull @Description("The month's other streams (past the 1,000 listed), summed.") StatementOtherStreams otherStreams,
            @NonNull List<@NonNull StatementPayout> payouts, @NonNull String csvPath) {
        static CreatorStatement of(Statements.Statement s) {
            return new CreatorStatement(s.month(), s.from(), s.to(), DiamondBalances.of(s.opening()), DiamondBalances.of(s.closing()), s.earned(),
                    s.reversed(), s.matured(), s.payoutsRequested(), s.paidOut(), s.payoutsReturned(),
                    s.streams().stream().map(l -> new StatementStream(l.streamId().toString(), l.title(), l.startedAt(), l.gifts(), l.diamonds())).toList(),
                    new StatementOtherStreams(s.otherStreams().streams(), s.otherStreams().gifts(), s.otherStreams().diamonds()),
                    s.payouts().stream().map(p -> new StatementPayout(p.payoutId().toString(), p.status(), p.diamonds(),
                            Money.ofMinor(p.amountMinor(), p.currency()), p.externalReference(), p.closedAt())).toList(),
                    "/exports/statements/" + s.month() + ".csv");
        }
    }
}
