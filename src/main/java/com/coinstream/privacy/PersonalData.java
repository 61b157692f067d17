package com.coinstream.privacy;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.coinstream.audit.AdminAuditLog;
import com.coinstream.audit.AuditDraft;
import com.coinstream.db.AdvisoryLocks;
import com.coinstream.db.Transactions;
import com.coinstream.domain.ErrorCode;
import com.coinstream.domain.Ids;
import com.coinstream.domain.Page;
import com.coinstream.domain.Refusal;
import com.coinstream.domain.Text;
import com.coinstream.events.ClusterEvents;
import com.coinstream.identity.Caller;
import com.coinstream.identity.ErasedAccounts;
import com.coinstream.ledger.AccountKey;
import com.coinstream.ledger.AccountPurpose;
import com.coinstream.ledger.Asset;
import com.coinstream.ledger.EntryDraft;
import com.coinstream.ledger.EntryKind;
import com.coinstream.ledger.Ledger;
import com.coinstream.live.StreamDirectory;
import com.coinstream.payout.PayoutsConfig;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * A person's data: everything the service holds about them as one JSON document, and erasure. Erasure is requested by
 * the person and completed by an admin after the waiting period: the books keep every amount and entry (postings are
 * never deleted), the person's name becomes a pseudonym, their personal settings and credentials are removed, their
 * remaining coins repay a coin debt first, the rest are forfeited to FORFEITED_COINS and a debt left is written off to
 * DEBT_WRITTEN_OFF, in one ERASURE_FORFEIT entry, and their
 * tokens are refused from then on. Payouts in flight, a pending purchase or diamonds still held block it.
 */
@ApplicationScoped
public class PersonalData {
    /** The name the erasure requests' cursors are made with (Page). */
    private static final String REQUESTS = "erasureRequests";
    /** Entries of each list that grows with use that a person's export holds, the latest (and each list's total). */
    static final int LIST_IN_EXPORT = 10_000;
    /**
     * The same for lists of long free text (stream and goal titles, webhook addresses: up to kilobytes each, and made at
     * will by a loop of start and end), so no account's document passes some tens of MB.
     */
    static final int TEXT_LIST_IN_EXPORT = 500;
    private static final String EXPORT = """
            -- coins spent per day of their own time zone, which their daily limits count: spend_day, and the latest day on
            -- the wallet row (V43)
            with spent as (
              select day, sum(coins) as coins from (
                select x.day, x.coins from spend_day x where x.user_id = $1
                union all select b.spent_on, b.spent_coins from account_balance b
                join ledger_account a on a.id = b.account_id and a.owner_id = $1 and a.purpose = 'WALLET'
                where b.slot = 0 and b.spent_on is not null) y
              group by day)
            select json_build_object(
              'exportedAt', to_char(now() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
              'profile', (select json_build_object('id', u.id, 'displayName', u.display_name, 'region', u.region, 'birthdate', u.birthdate,
                                 'createdAt', u.created_at, 'hideFromLeaderboards', u.hide_from_leaderboards, 'anonymousByDefault', u.anonymous_by_default,
                                 'sessionReminderCoins', u.session_reminder_coins, 'holdReason', u.hold_reason, 'holdPlacedAt', u.hold_placed_at,
                                 -- (the admin who placed it, an erased admin by their pseudonymous id)
                                 'holdPlacedBy', shown_id(u.hold_placed_by))
                          from app_user u where u.id = $1),
              -- Every list that grows with use holds its latest LIST_IN_EXPORT entries, and how many there are in all
              -- (<list>Total): the document is built whole, in memory, so no account can make it outgrow the heap (60,000
              -- declined purchases cost nothing to make). History with no bound streams elsewhere: purchases, gifts sent,
              -- refunds and chargebacks in GET /exports/history.csv.
              'purchases', coalesce((select json_agg(json_build_object('id', p.id, 'status', p.status, 'coins', p.coins, 'amountMinor', p.price_minor,
                                 'currency', p.currency, 'provider', p.provider, 'providerReference', p.provider_ref, 'failureCode', p.failure_code,
                                 'packageId', p.package_id, 'createdAt', p.created_at, 'updatedAt', p.updated_at)
                                 order by p.created_at) from (select * from purchase p where p.user_id = $1 order by p.created_at desc limit $LIST$) p), '[]'),
              'purchasesTotal', (select count(*) from purchase p where p.user_id = $1),
              -- the payment provider's events about their purchases, as this service received them
              'paymentEvents', coalesce((select json_agg(json_build_object('purchaseId', e.purchase_id, 'provider', e.provider, 'eventId', e.event_id,
                                 'type', e.event_type, 'receivedAt', e.received_at) order by e.received_at)
                                 from (select * from payment_event e where e.purchase_id in (select id from purchase where user_id = $1)
                                 order by e.received_at desc limit $LIST$) e), '[]'),
              'paymentEventsTotal', (select count(*) from payment_event e where e.purchase_id in (select id from purchase where user_id = $1)),
              -- what they paid per currency, which values their gifts (purchase_stats)
              'purchaseStats', coalesce((select json_agg(json_build_object('currency', x.currency, 'coinsBought', x.coins_bought,
                                 'moneyPaidMinor', x.money_paid_minor) order by x.currency) from purchase_stats x where x.user_id = $1), '[]'),
              -- the balance of each of their ledger accounts (wallet coins, coins owed, diamonds pending, available and in
              -- payout, money paid in and cashed out), and their ledger lines: each movement of those accounts, the latest
              -- LIST_IN_EXPORT, as their transactions show them
              'balances', coalesce((select json_agg(json_build_object('account', a.purpose, 'asset', a.asset,
                                 'balance', (select coalesce(sum(b.balance), 0) from account_balance b where b.account_id = a.id))
                                 order by a.purpose, a.asset) from ledger_account a where a.owner_id = $1), '[]'),
              -- (the lines as their transactions read them, LedgerHistory.LINES: no entry id, and a refund's diamond line without
              -- its purchase, so two creators of one refunded purchase, one of them gifted anonymously, share nothing to match)
              'ledgerLines', coalesce((select json_agg(json_build_object('kind', l.kind, 'account', l.purpose, 'asset', l.asset,
                                 'amount', l.amount, 'causeId', l.cause_id, 'memo', l.memo, 'at', l.created_at) order by l.id)
                                 from ($LEDGER_LINES$) l), '[]'),
              'ledgerLinesTotal', (select count(*) from posting p where p.account_id in (select id from ledger_account where owner_id = $1)
                                 and p.by_account),
              'dailySpending', coalesce((select json_agg(json_build_object('day', d.day, 'coins', d.coins) order by d.day)
                                 from (select * from spent order by day desc limit $LIST$) d), '[]'),
              'dailySpendingTotal', (select count(*) from spent),
              'reversals', coalesce((select json_agg(json_build_object('purchaseId', r.purchase_id, 'kind', r.kind, 'coinsClawedBack', r.coins_clawed_back,
                                 'coinDebt', r.coin_debt, 'at', r.created_at) order by r.created_at)
                                 from (select r.* from purchase_reversal r join purchase p on p.id = r.purchase_id where p.user_id = $1
                                       order by r.created_at desc limit $LIST$) r), '[]'),
              -- coins an admin granted them, and the reason given (the entry's memo, as their transactions show it)
              'grants', coalesce((select json_agg(json_build_object('id', g.cause_id, 'coins', g.amount, 'reason', g.memo, 'at', g.created_at)
                                 order by g.created_at) from (select e.cause_id, p.amount, e.memo, e.created_at from posting p
                                 join journal_entry e on e.id = p.entry_id
                                 where p.account_id in (select id from ledger_account where owner_id = $1) and p.by_account
                                   and e.kind = 'GRANT' and p.amount > 0 order by p.id desc limit $LIST$) g), '[]'),
              'grantsTotal', (select count(*) from posting p join journal_entry e on e.id = p.entry_id
                                 where p.account_id in (select id from ledger_account where owner_id = $1) and p.by_account
                                   and e.kind = 'GRANT' and p.amount > 0),
              'reversalsTotal', (select count(*) from purchase_reversal r join purchase p on p.id = r.purchase_id where p.user_id = $1),
              'giftsSent', coalesce((select json_agg(json_build_object('id', g.id, 'streamId', g.stream_id,
                                 -- an erased creator by the pseudonymous id their profile shows (shown_id, V46), never their user id
                                 'creatorId', case when c.erased_at is null then g.creator_id else shown_id(g.creator_id) end,
                                 'giftId', g.gift_id, 'quantity', g.quantity, 'coins', g.coins, 'valueMinor', g.value_minor,
                                 'valueCurrency', g.value_currency, 'anonymous', g.anonymous, 'reversed', g.reversed_entry_id is not null,
                                 'at', g.created_at, 'acknowledgedAt', g.acknowledged_at) order by g.seq)
                                 from (select * from gift_event g where g.sender_id = $1 order by g.seq desc limit $LIST$) g
                                 join app_user c on c.id = g.creator_id), '[]'),
              'giftsSentTotal', (select count(*) from gift_event g where g.sender_id = $1),
              'giftsReceivedByStream', coalesce((select json_agg(json_build_object('streamId', s.stream_id, 'gifts', s.gifts, 'diamonds', s.diamonds)
                                 order by s.stream_id) from (select stream_id, count(*) as gifts, sum(diamonds) as diamonds from gift_event
                                 where creator_id = $1 and stream_id in (select id from live_stream where creator_id = $1 order by seq desc limit $LIST$)
                                 group by stream_id) s), '[]'),
              'liveStreams', coalesce((select json_agg(json_build_object('id', s.id, 'title', s.title, 'status', s.status, 'startedAt', s.started_at,
                                 'endedAt', s.ended_at) order by s.seq) from (select * from live_stream s where s.creator_id = $1
                                 order by s.seq desc limit $TEXT_LIST$) s), '[]'),
              'liveStreamsTotal', (select count(*) from live_stream s where s.creator_id = $1),
              -- their goals (the titles are their own words) and the matches their streams played
              'streamGoals', coalesce((select json_agg(json_build_object('id', x.id, 'streamId', x.stream_id, 'title', x.title, 'kind', x.kind,
                                 'giftId', x.gift_id, 'target', x.target, 'progress', x.progress, 'coins', x.coins, 'createdAt', x.created_at,
                                 'reachedAt', x.reached_at, 'endedAt', x.ended_at) order by x.created_at)
                                 from (select * from stream_goal x where x.creator_id = $1 order by x.created_at desc limit $TEXT_LIST$) x), '[]'),
              'streamGoalsTotal', (select count(*) from stream_goal x where x.creator_id = $1),
              'matches', coalesce((select json_agg(json_build_object('id', m.id, 'role', case when m.inviter_id = $1 then 'INVITER' else 'INVITEE' end,
                                 'streamId', case when m.inviter_id = $1 then m.inviter_stream else m.invitee_stream end,
                                 'opponentId', shown_id(case when m.inviter_id = $1 then m.invitee_id else m.inviter_id end),
                                 'opponentStreamId', case when m.inviter_id = $1 then m.invitee_stream else m.inviter_stream end,
                                 'status', m.status, 'durationSeconds', m.duration_seconds, 'invitedAt', m.invited_at, 'startedAt', m.started_at,
                                 'finishedAt', m.finished_at, 'score', case when m.inviter_id = $1 then m.inviter_score else m.invitee_score end,
                                 'opponentScore', case when m.inviter_id = $1 then m.invitee_score else m.inviter_score end,
                                 'result', case when m.winner is null then null when m.winner = 'TIE' then 'TIE'
                                                when (m.winner = 'INVITER') = (m.inviter_id = $1) then 'WON' else 'LOST' end) order by m.seq)
                                 from (select * from live_match m where m.inviter_id = $1 or m.invitee_id = $1 order by m.seq desc limit $LIST$) m), '[]'),
              'matchesTotal', (select count(*) from live_match m where m.inviter_id = $1 or m.invitee_id = $1),
              'spendingLimits', coalesce((select json_agg(row_to_json(l) order by l.created_at, l.effective_at) from (select * from spending_limit l
                                 where l.user_id = $1 order by l.created_at desc, l.effective_at desc limit $LIST$) l), '[]'),
              'spendingLimitsTotal', (select count(*) from spending_limit l where l.user_id = $1),
              'payoutAccounts', coalesce((select json_agg(json_build_object('id', a.id, 'kind', a.kind, 'label', a.label,
                                 'maskedToken', '****' || right(a.external_token, 4), 'verified', a.verified, 'createdAt', a.created_at,
                                 'verifiedAt', a.verified_at, 'verifiedBy', shown_id(a.verified_by))
                                 order by a.created_at) from (select * from payout_account a where a.owner_id = $1
                                 order by a.created_at desc limit $LIST$) a), '[]'),
              'payoutAccountsTotal', (select count(*) from payout_account a where a.owner_id = $1),
              'payouts', coalesce((select json_agg(json_build_object('id', p.id, 'status', p.status, 'diamonds', p.diamonds, 'amountMinor', p.amount_minor,
                                 'currency', p.currency, 'requestedAt', p.requested_at, 'externalReference', p.external_reference,
                                 'reason', p.reason,
                                 -- each step, and who took it (an erased admin by their pseudonymous id)
                                 'transitions', (select json_agg(json_build_object('from', t.from_status, 'to', t.to_status,
                                                 'by', shown_id(t.actor), 'reason', t.reason, 'at', t.at) order by t.at)
                                                 from payout_transition t where t.payout_id = p.id)) order by p.seq)
                                 from (select * from payout p where p.creator_id = $1 order by p.seq desc limit $LIST$) p), '[]'),
              'payoutsTotal', (select count(*) from payout p where p.creator_id = $1),
              -- theirs, and those an admin set up for their events (whose address they see without its secrets, V52, as
              -- the API shows them none of it)
              'webhookSubscriptions', coalesce((select json_agg(json_build_object('id', w.id,
                                 'url', case when w.owner_id = $1 then w.url else url_without_secrets(w.url) end, 'eventTypes', w.event_types,
                                 'description', w.description, 'status', w.status, 'disabledReason', w.disabled_reason,
                                 'setUpByThem', w.owner_id = $1, 'createdAt', w.created_at) order by w.created_at)
                                 from (select * from webhook_subscription w where w.owner_id = $1 or w.creator_id = $1
                                 order by w.created_at desc limit $TEXT_LIST$) w), '[]'),
              'webhookSubscriptionsTotal', (select count(*) from webhook_subscription w where w.owner_id = $1 or w.creator_id = $1),
              -- the delivery log of the subscriptions they set up (how each event went to their address; not what it carried,
              -- which names their supporters, nor the delivery's id, which the API seals)
              'webhookDeliveries', coalesce((select json_agg(json_build_object('subscriptionId', d.subscription_id, 'eventId', d.event_id,
                                 'eventType', d.event_type, 'occurredAt', d.occurred_at, 'status', d.status, 'attempts', d.attempts,
                                 'lastAttemptAt', d.last_attempt_at, 'lastStatusCode', d.last_status_code, 'lastError', d.last_error,
                                 'deliveredAt', d.delivered_at) order by d.id)
                                 from (select d.* from webhook_delivery d join webhook_subscription w on w.id = d.subscription_id
                                 where w.owner_id = $1 order by d.id desc limit $LIST$) d), '[]'),
              'webhookDeliveriesTotal', (select count(*) from webhook_delivery d join webhook_subscription w on w.id = d.subscription_id
                                 where w.owner_id = $1),
              'overlayKeys', coalesce((select json_agg(json_build_object('id', k.id, 'label', k.label, 'hint', k.key_hint, 'createdAt', k.created_at,
                                 'revokedAt', k.revoked_at) order by k.created_at)
                                 from (select * from overlay_key k where k.creator_id = $1 order by k.created_at desc limit $LIST$) k), '[]'),
              'overlayKeysTotal', (select count(*) from overlay_key k where k.creator_id = $1),
              -- what admins did or tried to do about them, their payouts, account, purchases, streams and subscriptions (V51;
              -- an erased admin by their pseudonymous id), and what they did or attempted themselves: of that, about someone
              -- else, what and when only (the target and the reason are the other person's); not refused attempts at them by
              -- people who are not admins (anyone can make those up, to swell the export); the latest 1,000, and how many in all
              'auditRecords', coalesce((select json_agg(json_build_object('at', r.at, 'action', r.action, 'actorId', shown_id(r.actor_id), 'outcome', r.outcome,
                                 'targetType', r.target_type, 'targetId', case when r.theirs then r.target_id end,
                                 'reason', case when r.theirs then r.reason end) order by r.seq)
                                 from (select a.*, coalesce(audit_target_person(a.target_type, a.target_id) = $1, true) as theirs
                                 from admin_audit a where $AUDIT_OF_THEM$ order by a.seq desc limit 1000) r), '[]'),
              'auditRecordsTotal', (select count(*) from admin_audit a where $AUDIT_OF_THEM$),
              'erasureRequests', coalesce((select json_agg(json_build_object('id', x.id, 'status', x.status, 'requestedAt', x.requested_at,
                                 'eligibleAt', x.eligible_at, 'reason', x.reason) order by x.seq) from erasure_request x where x.user_id = $1), '[]')
            )::text
            """.replace("$AUDIT_OF_THEM$", "a.actor_id = $1 or (a.target_id = any (array(select audit_targets_of($1))) "
                    + "and audit_target_person(a.target_type, a.target_id) = $1 and (a.outcome <> 'REFUSED' or 'admin' = any (a.actor_roles)))")
            .replace("$LEDGER_LINES$", com.coinstream.ledger.LedgerHistory.LINES.replace("$2", Long.toString(Long.MAX_VALUE))
                    .replace("$3", Integer.toString(LIST_IN_EXPORT)))
            .replace("$TEXT_LIST$", Integer.toString(TEXT_LIST_IN_EXPORT)).replace("$LIST$", Integer.toString(LIST_IN_EXPORT));

    private final Pool pool;
    private final Clock clock;
    private final Ledger ledger;
    private final ErasureConfig config;
    private final AdminAuditLog adminLog;
    private final ClusterEvents cluster;

    private final ErasedAccounts erased;
    private final StreamDirectory streams;
    private final long minimumPayout;

    public PersonalData(Pool pool, Clock clock, Ledger ledger, ErasureConfig config, AdminAuditLog adminLog, ClusterEvents cluster,
            ErasedAccounts erased, StreamDirectory streams, PayoutsConfig payouts) {
        this.minimumPayout = payouts.minimumDiamonds();
        this.streams = streams;
        this.erased = erased;
        this.pool = pool;
        this.clock = clock;
        this.ledger = ledger;
        this.config = config;
        this.adminLog = adminLog;
        this.cluster = cluster;
    }

    /** Every personal datum held about the user, as one JSON document (text). */
    /**
     * Exports built at once on an instance: each holds its document in memory, up to some tens of MB (in the database
     * client's buffer, as text, then as the answer), so more at once could outgrow a small heap.
     */
    static final int EXPORTS_AT_ONCE = 2;
    private final com.coinstream.domain.AtOnce exporting = new com.coinstream.domain.AtOnce(EXPORTS_AT_ONCE, () -> new Refusal(
            ErrorCode.RATE_LIMITED, "Other exports are being built on this instance right now; ask again in a moment"));

    /** One export at once per person: so no one person holds both of an instance's places. */
    private final com.coinstream.domain.AtOnce.PerKey exportingFor = new com.coinstream.domain.AtOnce.PerKey(1, () -> new Refusal(
            ErrorCode.RATE_LIMITED, "Your export is being built right now; ask again once it is done"));

    /**
     * The export, its places (this instance's and the person's) kept until {@code sent} gives them back: once the answer
     * has been written to its client, or its connection closed, so a client that never reads cannot leave any number of
     * documents waiting in the server's buffers.
     */
    public Uni<String> export(String userId, java.util.function.Consumer<Runnable> sent) {
        // (an export that began before the person's erasure, as the request passed its token check, is not answered after it)
        return exportingFor.runUntilSent(userId, () -> exporting.runUntilSent(() -> erased.unlessErasedMeanwhile(userId,
                pool.preparedQuery(EXPORT).execute(Tuple.of(userId)).map(rows -> rows.iterator().next().getString(0))), sent), sent);
    }

    public record Request(UUID id, long position, String userId, String reason, Instant requestedAt, Instant eligibleAt, String status,
            Instant completedAt, String completedBy, Long forfeitedCoins, long debtSettled, long debtWrittenOff, long forfeitedDiamonds) {
        /** Completed, by this admin: their request again is a replay. */
        boolean completedBy(Caller admin) {
            return "COMPLETED".equals(status) && admin.userId().equals(completedBy);
        }
    }

    public Uni<Request> request(Caller person, String reason) {
        String why = reason == null || reason.isBlank() ? null : Text.require(reason, 500, true, "reason", "input", "reason");
        Instant now = clock.instant();
        UUID id = UUID.randomUUID();
        // Under the owner lock, which erasure takes first: the request commits before an erasure (which then completes it)
        // or reads the erasure's outcome after it. Never for a person already erased: the database refuses the row (V29, the
        // V26 fence), answered as INVALID_STATE like the person's other rows; a request nobody could ever complete stays out.
        return pool.withTransaction(tx -> AdvisoryLocks.exclusive(tx, AdvisoryLocks.Namespace.OWNER, person.userId())
                .flatMap(locked -> tx.preparedQuery("insert into erasure_request (id, user_id, reason, requested_at, eligible_at, status) "
                        + "values ($1, $2, $3, $4, $5, 'REQUESTED') on conflict (user_id) where status = 'REQUESTED' do nothing")
                        .execute(Tuple.from(Arrays.asList(id, person.userId(), why, utc(now), utc(now.plus(config.waitingPeriod()))))))
                .flatMap(inserted -> tx.preparedQuery("select " + COLUMNS + " from erasure_request where user_id = $1 and status = 'REQUESTED'")
                        .execute(Tuple.of(person.userId()))))
                .map(rows -> {
                    if (!rows.iterator().hasNext()) {
                        throw new Refusal(ErrorCode.INVALID_STATE, "This account has been erased");
                    }
                    return request(rows.iterator().next());
                });
    }

    private static final String COLUMNS = "id, seq, user_id, reason, requested_at, eligible_at, status, completed_at, completed_by, forfeited_coins, debt_settled, debt_written_off, forfeited_diamonds";

    /** Oldest first, open ones (or all). */
    public Uni<Page<Request>> requests(Integer first, String after, boolean openOnly) {
        int limit = Page.size(first);
        long afterSeq = after == null || after.isEmpty() ? 0 : Page.after(REQUESTS, after);
        return pool.preparedQuery("select " + COLUMNS + " from erasure_request where seq > $1 and (not $2 or status = 'REQUESTED') "
                + "order by seq limit $3").execute(Tuple.of(afterSeq, openOnly, limit + 1)).map(rows -> {
                    List<Request> out = new ArrayList<>();
                    rows.forEach(r -> out.add(request(r)));
                    return Page.of(REQUESTS, out, limit, afterSeq != 0, Request::position);
                });
    }

    public Uni<Request> complete(Caller admin, String requestId, AuditDraft audit) {
        UUID id = Ids.require(requestId, "No such erasure request", "input", "requestId");
        Instant now = clock.instant();
        return pool.preparedQuery("select " + COLUMNS + " from erasure_request where id = $1").execute(Tuple.of(id)).flatMap(rows -> {
            if (!rows.iterator().hasNext()) {
                throw new Refusal(ErrorCode.NOT_FOUND, "No such erasure request", "input", "requestId");
            }
            Request found = request(rows.iterator().next());
            String userId = found.userId();
            if (userId.equals(admin.userId())) {
                throw new Refusal(ErrorCode.FORBIDDEN, "Nobody may complete their own erasure", "input", "requestId");
            }
            if (found.completedBy(admin)) {
                // the same admin's request again once it is done (its answer lost, say): a replay, the request as it is,
                // nothing recorded again (another admin's is refused below, under the lock)
                return adminLog.replayed(audit).replaceWith(found);
            }
            Settlement books = new Settlement(id, now, userId);
            String pseudonym = ErasedAccounts.newPseudonym();
            List<UUID> ended = new ArrayList<>();
            List<UUID> revokedKeys = new ArrayList<>();
            // the accounts exist before the transaction (the ledger creates them on its own connection)
            return ledger.accounts().ids(books.keys())
                    .flatMap(ready -> Transactions.retrying(pool, tx -> AdvisoryLocks.exclusive(tx, AdvisoryLocks.Namespace.OWNER, userId)
                            // (the record names the person: its before is theirs, read under the lock)
                            .call(locked -> adminLog.before(tx, audit == null ? null : audit.target("user", userId)))
                            .flatMap(locked -> tx.preparedQuery("select " + COLUMNS + " from erasure_request where id = $1 for update")
                                    .execute(Tuple.of(id)))
                            .map(r -> request(r.iterator().next()))
                            // the same admin's request again, sent while the first ran (on another instance, say): once the
                            // first has committed it is a replay under the lock too (the check above read before it)
                            .invoke(r -> {
                                if (r.completedBy(admin)) {
                                    throw new CompletedMeanwhile(r);
                                }
                            })
                            // the person's live streams locked before the checks read their diamonds: a gift to them that
                            // has not committed by now waits, then finds the stream ended (so none lands on an erased account)
                            .call(r -> liveStreamsLocked(tx, userId).invoke(list -> { ended.clear(); ended.addAll(list); }))
                            .flatMap(r -> checks(tx, r, now))
                            .flatMap(diamonds -> ledger.balance(tx, books.wallet())
                                    .flatMap(coins -> ledger.balance(tx, books.debt()).flatMap(owed -> books.post(tx, coins, owed, diamonds))))
                            .call(entry -> pseudonymise(tx, userId, pseudonym, now, revokedKeys))
                            // (the reason the person gave is their own words: it goes too, the request stays as proof)
                            .call(entry -> tx.preparedQuery("update erasure_request set status = 'COMPLETED', completed_at = $2, completed_by = $3, "
                                    + "forfeited_coins = coalesce(forfeited_coins, 0), reason = null where id = $1").execute(Tuple.of(id, utc(now), admin.userId())))
                            .call(entry -> adminLog.append(tx, audit == null ? null : audit.target("user", userId)))
                            // (in the transaction: every instance hears it, and takes the pseudonym, before any gift's notice
                            // sent after the commit; the others' notices below go after it, from the notify pool)
                            .call(entry -> ClusterEvents.publishIn(tx, ClusterEvents.ERASURES, ErasedAccounts.notice(userId, pseudonym)))
                            .flatMap(entry -> tx.preparedQuery("select " + COLUMNS + " from erasure_request where id = $1").execute(Tuple.of(id)))
                            .map(r -> request(r.iterator().next()))))
                    .invoke(r -> erased.markErased(userId, pseudonym)) // this instance refuses the tokens from the answer on; the others on the event
                    // After the commit, only notices: the erasure is done whatever they meet, so a failed one is logged, not
                    // answered (ClusterEvents.publish never fails); the other instances also read the last minutes'
                    // erasures every 2 s, all of them at start, every 5 minutes and on listening again.
                    .call(r -> endedEverywhere(ended))
                    // open overlay feeds on the revoked keys stop, on every instance, as when the creator revokes one
                    .call(r -> revokedKeys.isEmpty() ? Uni.createFrom().voidItem()
                            : cluster.publish(ClusterEvents.OVERLAY_KEYS, revokedKeys.stream().map(UUID::toString).toList()))
                    .call(r -> cluster.publish(ClusterEvents.USERS, userId))
                    .call(r -> cluster.publish(ClusterEvents.WALLETS, userId))
                    // (its transaction wrote nothing, and none of the notices above are this request's to send)
                    .onFailure(CompletedMeanwhile.class).recoverWithUni(twin -> adminLog.replayed(audit)
                            .replaceWith(((CompletedMeanwhile) twin).request));
        });
    }

    /** The erasure was completed by the same admin's other request while this one waited for the person's lock. */
    private static final class CompletedMeanwhile extends RuntimeException {
        final Request request;

        CompletedMeanwhile(Request request) {
            super("completed meanwhile by the same admin", null, false, false);
            this.request = request;
        }
    }

    /**
     * Whether the erasure may go ahead now, and the diamonds it forfeits: the creator's available diamonds when they are
     * fewer than the cash-out minimum (they could never be paid out, and would keep the person from being erased at
     * all). Refused (ERASURE_BLOCKED) while a payout is in flight, a purchase is pending, diamonds are still maturing
     * (they are reversible until then) or the available ones can be cashed out (the creator cashes out first).
     */
    private Uni<Long> checks(SqlConnection tx, Request r, Instant now) {
        if (!"REQUESTED".equals(r.status())) {
            throw new Refusal(ErrorCode.INVALID_STATE, "This erasure was already completed", "input", "requestId");
        }
        if (now.isBefore(r.eligibleAt())) {
            throw new Refusal(ErrorCode.ERASURE_BLOCKED, "The waiting period runs until " + r.eligibleAt(), "input", "requestId");
        }
        return tx.preparedQuery("""
                select (select count(*) from payout where creator_id = $1 and status in ('REQUESTED', 'APPROVED')) as payouts,
                       (select count(*) from purchase where user_id = $1 and status = 'PENDING') as purchases,
                       (select coalesce(sum(b.balance), 0) from account_balance b join ledger_account a on a.id = b.account_id
                        where a.owner_id = $1 and a.purpose in ('DIAMONDS_PENDING', 'DIAMONDS_IN_PAYOUT')) as held,
                       (select coalesce(sum(b.balance), 0) from account_balance b join ledger_account a on a.id = b.account_id
                        where a.owner_id = $1 and a.purpose = 'DIAMONDS_AVAILABLE') as available
                """).execute(Tuple.of(r.userId())).map(rows -> {
                    Row row = rows.iterator().next();
                    if (row.getLong("payouts") > 0) {
                        throw new Refusal(ErrorCode.ERASURE_BLOCKED, "A payout is in flight; erasure waits until it is paid, rejected or failed",
                                "input", "requestId");
                    }
                    if (row.getLong("purchases") > 0) {
                        throw new Refusal(ErrorCode.ERASURE_BLOCKED, "A purchase is still pending at the payment provider", "input", "requestId");
                    }
                    if (row.getLong("held") > 0) {
                        throw new Refusal(ErrorCode.ERASURE_BLOCKED, row.getLong("held") + " diamonds are still maturing (or in a payout); "
                                + "erasure can complete once they are available", "input", "requestId");
                    }
                    long available = row.getLong("available");
                    if (available >= minimumPayout) {
                        throw new Refusal(ErrorCode.ERASURE_BLOCKED, available + " diamonds can be cashed out (the minimum is " + minimumPayout
                                + "); they are paid out first", "input", "requestId");
                    }
                    return Math.max(available, 0);
                });
    }

    /** Streams the erasure ended: forgotten by every instance's directory, and their rooms told (as endLiveStream does). */
    private Uni<Void> endedEverywhere(List<UUID> ended) {
        Uni<Void> told = Uni.createFrom().voidItem();
        for (UUID stream : ended) {
            streams.evict(stream);
            told = told.call(v -> cluster.publish(ClusterEvents.STREAMS, stream.toString()));
        }
        return told;
    }

    /** What an erased creator's goals are called from then on. */
    public static final String ERASED_GOAL_TITLE = "Goal";
    /** What an erased creator's streams are called from then on (a title is their own words, beside their pseudonym). */
    public static final String ERASED_STREAM_TITLE = "Stream";

    /**
     * The person's name becomes a pseudonym and they leave every board by name (their anonymous gifts stay in the one
     * "Anonymous" entry); settings, credentials, endpoints and keys go; live streams end; stream and goal titles go, and the
     * reasons written on their payouts' refusals and failures. Amounts stay.
     */
    private Uni<Void> pseudonymise(SqlConnection tx, String userId, String pseudonym, Instant now, List<UUID> revokedKeys) {
        OffsetDateTime at = utc(now);
        return tx.preparedQuery("update app_user set display_name = $2, birthdate = null, hold_reason = null, hold_placed_at = null, "
                + "hold_placed_by = null, session_reminder_coins = null, hide_from_leaderboards = true, anonymous_by_default = false, claims_issued_at = 0, erased_at = $3 where id = $1")
                .execute(Tuple.of(userId, pseudonym, at))
                .flatMap(v -> tx.preparedQuery("update payout_account set external_token = 'erased-' || left(md5(id::text), 8), label = 'Erased' "
                        + "where owner_id = $1").execute(Tuple.of(userId)))
                .flatMap(v -> tx.preparedQuery("delete from spending_limit where user_id = $1").execute(Tuple.of(userId)))
                // the subscriptions to their events go, theirs or an admin's for them (an endpoint of theirs, maybe); one they
                // set up as an admin for the platform, or for another creator, stays (without its description: their own words)
                .flatMap(v -> tx.preparedQuery("update webhook_subscription set status = case when creator_id = $1 then 'DELETED' "
                        + "else status end, url = case when creator_id = $1 then 'https://erased.invalid/' else url end, description = null, "
                        + "disabled_reason = case when creator_id = $1 then null else disabled_reason end, "
                        + "secret = case when creator_id = $1 then '' else secret end, "
                        + "previous_secret = case when creator_id = $1 then null else previous_secret end "
                        + "where owner_id = $1 or creator_id = $1").execute(Tuple.of(userId)))
                // what their endpoints answered (an error text of their receiver's) goes with them
                // (rows an attempt is settling are passed over, as V49 does: that attempt locks its delivery, then the
                // subscription this erasure holds; waiting for it would be a deadlock)
                .flatMap(v -> tx.preparedQuery("update webhook_delivery set last_error = null where id in (select d.id from webhook_delivery d "
                        + "where d.last_error is not null and d.subscription_id in (select id from webhook_subscription where creator_id = $1) "
                        + "for update skip locked)").execute(Tuple.of(userId)))
                // the idempotency keys they typed: kept as a digest (a replay of theirs can never come again; the books join
                // the key rows by owner and result, never by the key), marked by a control character no typed key holds, so
                // no digest can meet a key as typed
                .flatMap(v -> tx.preparedQuery("update idempotency_key set key = chr(1) || md5(key) where owner_id = $1 and left(key, 1) <> chr(1)")
                        .execute(Tuple.of(userId)))
                // their overlay keys go, labels and hints with them (the ones still in use are told to stop reading)
                .flatMap(v -> tx.preparedQuery("delete from overlay_key where creator_id = $1 returning id, revoked_at is null")
                        .execute(Tuple.of(userId)))
                .invoke(keys -> { revokedKeys.clear(); keys.forEach(k -> { if (k.getBoolean(1)) { revokedKeys.add(k.getUUID(0)); } }); })
                // a live stream ends as endLiveStream ends it: under its lock (taken at the start, liveStreamsLocked)
                .flatMap(v -> tx.preparedQuery("update live_stream set status = 'ENDED', ended_at = $2 where creator_id = $1 and status = 'LIVE'")
                        .execute(Tuple.of(userId, at)))
                // their goals' titles are their own words (as in goal.reached payloads, below): the goals keep their amounts
                .flatMap(v -> tx.preparedQuery("update stream_goal set title = '" + ERASED_GOAL_TITLE + "' where creator_id = $1")
                        .execute(Tuple.of(userId)))
                .flatMap(v -> tx.preparedQuery("update live_stream set title = '" + ERASED_STREAM_TITLE + "' where creator_id = $1")
                        .execute(Tuple.of(userId)))
                // (as in payout.* payloads, below: the amounts, states and times stay)
                .flatMap(v -> tx.preparedQuery("update payout set reason = null where creator_id = $1 and reason is not null")
                        .execute(Tuple.of(userId)))
                .flatMap(v -> tx.preparedQuery("update payout_transition t set reason = null from payout p "
                        + "where p.id = t.payout_id and p.creator_id = $1 and t.reason is not null").execute(Tuple.of(userId)))
                // after the streams ended: the match.ended of a match their stream just forfeited is in the outbox by now
                .flatMap(v -> tx.preparedQuery(WEBHOOK_PAYLOADS).execute(Tuple.of(userId, pseudonym, ErasedAccounts.pseudonymousId(pseudonym))))
                .replaceWithVoid();
    }

    /**
     * Webhook payloads that name the person carry the pseudonym from now on, queued or delivered: when sent, in the delivery
     * log and in replays. Every id of the person (userId, senderId, creatorId, inviterId, inviteeId: the platform's
     * subscriptions and the other creator's see them) becomes the pseudonymous id their profile shows, their named gifts'
     * senderName the pseudonym, and the words written about or by them go: the reason of a hold placed on them (as their
     * user row's), of their payouts' refusals and failures, and their goals' titles; and the references a payment provider or a
     * payout rail gave their purchases and payouts (the books keep them). An erasure is
     * rare; this reads the outbox once. ($1 user id, $2 pseudonym, $3 pseudonymous id)
     */
    private static final String WEBHOOK_PAYLOADS = """
            update webhook_delivery d set data = (
                select jsonb_object_agg(e.key, case
                    when e.key in ('userId', 'senderId', 'creatorId', 'inviterId', 'inviteeId') and e.value = to_jsonb($1::text) then to_jsonb($3::text)
                    when e.key = 'senderName' and d.event_type = 'gift.sent'
                         and d.event_id in (select g.id from gift_event g where g.sender_id = $1 and not g.anonymous) then to_jsonb($2::text)
                    when e.key = 'reason' and d.event_type = 'account.hold_placed' and d.data->>'userId' = $1 then 'null'::jsonb
                    when e.key = 'reason' and d.event_type like 'payout.%' and d.data->>'creatorId' = $1 then 'null'::jsonb
                    when e.key = 'title' and d.event_type = 'goal.reached' and d.data->>'creatorId' = $1 then 'null'::jsonb
                    when e.key in ('providerReference', 'externalReference') and $1 in (d.data->>'userId', d.data->>'creatorId') then 'null'::jsonb
                    else e.value end)
                from jsonb_each(d.data) e)
            where $1 in (d.data->>'userId', d.data->>'senderId', d.data->>'creatorId', d.data->>'inviterId', d.data->>'inviteeId')
               or (d.event_type = 'gift.sent' and d.data ? 'senderName'
                   and d.event_id in (select g.id from gift_event g where g.sender_id = $1 and not g.anonymous))
            """;

    /**
     * The person's live streams, each locked (exclusive) as endLiveStream locks it. Under the owner lock no stream of
     * theirs can start meanwhile; and a gift batch holds a stream's lock shared from before its snapshot to its commit.
     */
    private static Uni<List<UUID>> liveStreamsLocked(SqlConnection tx, String userId) {
        return tx.preparedQuery("select id from live_stream where creator_id = $1 and status = 'LIVE' order by id").execute(Tuple.of(userId))
                .flatMap(live -> {
                    List<UUID> ids = new ArrayList<>();
                    Uni<Void> locks = Uni.createFrom().voidItem();
                    for (Row s : live) {
                        ids.add(s.getUUID(0));
                        locks = locks.call(x -> AdvisoryLocks.exclusive(tx, AdvisoryLocks.Namespace.STREAM, s.getUUID(0).toString()));
                    }
                    return locks.replaceWith(ids);
                });
    }

    /**
     * What erasure does with the person's money, in one ERASURE_FORFEIT entry: their coins first repay what they owe (as a
     * purchase would), the rest is forfeited to FORFEITED_COINS, and a debt left over is written off to DEBT_WRITTEN_OFF.
     * Diamonds fewer than the cash-out minimum are forfeited to FORFEITED_DIAMONDS; more, or diamonds still maturing or in a
     * payout, block erasure (see checks).
     */
    private final class Settlement {
        private final UUID request;
        private final Instant at;
        private final String userId;

        Settlement(UUID request, Instant at, String userId) {
            this.request = request;
            this.at = at;
            this.userId = userId;
        }

        AccountKey wallet() {
            return AccountKey.wallet(userId);
        }

        AccountKey debt() {
            return AccountKey.user(userId, AccountPurpose.COIN_DEBT, Asset.COIN);
        }

        AccountKey diamonds() {
            return AccountKey.user(userId, AccountPurpose.DIAMONDS_AVAILABLE, Asset.DIAMOND);
        }

        /** The accounts the entry may touch but a creator's diamonds (which exist when they hold any). */
        List<AccountKey> keys() {
            return List.of(wallet(), debt(), AccountKey.platform(AccountPurpose.COIN_ISSUANCE, Asset.COIN),
                    AccountKey.platform(AccountPurpose.FORFEITED_COINS, Asset.COIN), AccountKey.platform(AccountPurpose.DEBT_WRITTEN_OFF, Asset.COIN),
                    AccountKey.platform(AccountPurpose.FORFEITED_DIAMONDS, Asset.DIAMOND));
        }

        /** The entry's id, or null when the person had neither coins, nor a debt, nor diamonds. */
        Uni<Long> post(SqlConnection tx, long coins, long owed, long forfeitedDiamonds) {
            long settled = Math.min(Math.max(coins, 0), Math.max(owed, 0));
            long forfeited = Math.max(coins, 0) - settled;
            long writtenOff = Math.max(owed, 0) - settled;
            if (settled + forfeited + writtenOff + forfeitedDiamonds == 0) {
                return Uni.createFrom().item((Long) null);
            }
            AccountKey issuance = AccountKey.platform(AccountPurpose.COIN_ISSUANCE, Asset.COIN);
            EntryDraft draft = EntryDraft.of(EntryKind.ERASURE_FORFEIT, request, at)
                    .memo("An erased account: its coins repay its debt, the rest are forfeited, a debt left is written off; diamonds below "
                            + "the cash-out minimum are forfeited");
            if (settled > 0) {
                draft.move(wallet(), issuance, settled).move(debt(), issuance, settled);
            }
            if (forfeited > 0) {
                draft.move(wallet(), AccountKey.platform(AccountPurpose.FORFEITED_COINS, Asset.COIN), forfeited);
            }
            if (writtenOff > 0) {
                draft.move(debt(), AccountKey.platform(AccountPurpose.DEBT_WRITTEN_OFF, Asset.COIN), writtenOff);
            }
            List<AccountKey> touched = new ArrayList<>(keys());
            if (forfeitedDiamonds > 0) {
                draft.move(diamonds(), AccountKey.platform(AccountPurpose.FORFEITED_DIAMONDS, Asset.DIAMOND), forfeitedDiamonds);
                touched.add(diamonds());
            }
            return ledger.accounts().existing(tx, touched)
                    .flatMap(ids -> ledger.post(tx, ledger.prepared(draft, ids)))
                    .call(entry -> tx.preparedQuery("update erasure_request set forfeited_coins = $2, debt_settled = $3, debt_written_off = $4, "
                            + "forfeit_entry_id = $5, forfeited_diamonds = $6 where id = $1")
                            .execute(Tuple.from(List.of(request, forfeited, settled, writtenOff, entry, forfeitedDiamonds))));
        }
    }

    private static Request request(Row r) {
        return new Request(r.getUUID("id"), r.getLong("seq"), r.getString("user_id"), r.getString("reason"),
                r.getOffsetDateTime("requested_at").toInstant(), r.getOffsetDateTime("eligible_at").toInstant(), r.getString("status"),
                r.getOffsetDateTime("completed_at") == null ? null : r.getOffsetDateTime("completed_at").toInstant(), r.getString("completed_by"),
                r.getLong("forfeited_coins"), r.getLong("debt_settled"), r.getLong("debt_written_off"), r.getLong("forfeited_diamonds"));
    }

    private static OffsetDateTime utc(Instant at) {
        return at.atOffset(ZoneOffset.UTC);
    }
}
