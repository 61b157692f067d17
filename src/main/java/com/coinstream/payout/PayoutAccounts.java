package com.coinstream.payout;

import java.time.Clock;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import com.coinstream.audit.AdminAuditLog;
import com.coinstream.audit.AuditDraft;
import com.coinstream.db.ReadSessions;
import com.coinstream.domain.ErrorCode;
import com.coinstream.domain.Ids;
import com.coinstream.domain.Refusal;
import com.coinstream.domain.Text;
import com.coinstream.identity.Caller;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

/** Payout accounts: registered by creators with a provider token, verified by an admin (the KYC outcome). */
@ApplicationScoped
public class PayoutAccounts implements PanacheRepositoryBase<PayoutAccount, UUID> {
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_\\-]{8,128}");
    // Raw account or card numbers are refused: only a provider's token may be stored.
    private static final Pattern RAW_NUMBER = Pattern.compile("\\d{8,}|[A-Z]{2}\\d{2}[A-Z0-9]{10,30}");
    private static final Pattern SEPARATORS = Pattern.compile("[-_]");
    private static final Pattern DIGIT_RUN = Pattern.compile("\\d+");

    /**
     * Whether {@code token} holds a card number inside it ("card4111111111111111"): a run of 13-19 digits whose Luhn check
     * passes, as card numbers' do (a provider's random token rarely has such a run, and one in ten of those by chance).
     */
    static boolean holdsACardNumber(String token) {
        java.util.regex.Matcher run = DIGIT_RUN.matcher(token);
        while (run.find()) {
            int length = run.end() - run.start();
            if (length >= 13 && length <= 19 && luhn(token, run.start(), run.end())) {
                return true;
            }
        }
        return false;
    }

    private static boolean luhn(String digits, int from, int to) {
        int sum = 0;
        for (int i = to - 1, n = 0; i >= from; i--, n++) {
            int d = digits.charAt(i) - '0';
            sum += n % 2 == 1 ? (d * 2 > 9 ? d * 2 - 9 : d * 2) : d;
        }
        return sum % 10 == 0;
    }

    private final Clock clock;
    private final ReadSessions sessions;
    private final AdminAuditLog adminLog;

    public PayoutAccounts(Clock clock, ReadSessions sessions, AdminAuditLog adminLog) {
        this.adminLog = adminLog;
        this.clock = clock;
        this.sessions = sessions;
    }

    public Uni<PayoutAccount> register(Caller creator, String kind, String externalToken, String label) {
        if (!"PAYPAL".equals(kind) && !"BANK".equals(kind)) {
            throw new Refusal(ErrorCode.INVALID_INPUT, "kind must be PAYPAL or BANK", "input", "kind");
        }
        if (externalToken == null || !TOKEN.matcher(externalToken).matches()) {
            throw new Refusal(ErrorCode.INVALID_INPUT, "externalToken must be the provider's token (8-128 of A-Z a-z 0-9 _ -)",
                    "input", "externalToken");
        }
        // judged without the separators people write numbers with, in any case: 4111-1111-1111-1111, gb82west1234...
        String bare = SEPARATORS.matcher(externalToken).replaceAll("").toUpperCase(java.util.Locale.ROOT);
        if (RAW_NUMBER.matcher(bare).matches() || holdsACardNumber(bare)) {
            throw new Refusal(ErrorCode.INVALID_INPUT,
                    "That looks like a raw account or card number; register the token your payment provider issued instead",
                    "input", "externalToken");
        }
        Text.require(label, 64, false, "label", "input", "label");
        PayoutAccount a = new PayoutAccount();
        a.id = UUID.randomUUID();
        a.ownerId = creator.userId();
        a.kind = kind;
        a.externalToken = externalToken;
        a.label = label.strip();
        a.verified = false;
        a.createdAt = clock.instant();
        // at most MAX_AWAITING waiting for an admin at once, counted under the creator's quota lock (a queue admins work
        // through oldest first is not something one creator may fill)
        return Panache.withTransaction(() -> Panache.getSession().flatMap(session -> com.coinstream.db.AdvisoryLocks.exclusive(session,
                com.coinstream.db.AdvisoryLocks.Namespace.QUOTA, "payout-accounts:" + creator.userId())
                .flatMap(locked -> session.createNativeQuery("select count(*) from payout_account where owner_id = ?1 and verified_at is null",
                        Long.class).setParameter(1, creator.userId()).getSingleResult()))
                .flatMap(awaiting -> {
                    if (awaiting >= MAX_AWAITING) {
                        throw new Refusal(ErrorCode.RATE_LIMITED, "You have " + MAX_AWAITING + " payout accounts waiting for verification; "
                                + "wait for an admin to review them", "input");
                    }
                    return persist(a);
                }));
    }

    /** Payout accounts one creator may have waiting for verification at once. */
    static final int MAX_AWAITING = 5;

    public Uni<List<PayoutAccount>> of(String ownerId) {
        return sessions.read(s -> s.createSelectionQuery("from PayoutAccount where ownerId = ?1 order by createdAt", PayoutAccount.class)
                .setParameter(1, ownerId).getResultList());
    }

    /**
     * Accounts no admin has reviewed yet, oldest first; an erased person's are not (nobody can verify or refuse them, and
     * nothing can be paid to them: they would block the queue for good).
     */
    public Uni<List<PayoutAccount>> awaitingVerification(int first) {
        if (first <= 0) {
            return Uni.createFrom().item(List.of());
        }
        return sessions.read(s -> s.createNativeQuery("select p.* from payout_account p where p.verified_at is null and not exists "
                + "(select 1 from app_user u where u.id = p.owner_id and u.erased_at is not null) order by p.created_at, p.id", PayoutAccount.class)
                .setMaxResults(Math.min(first, 100)).getResultList());
    }

    public Uni<List<PayoutAccount>> byIds(List<UUID> ids) {
        return sessions.read(s -> s.createSelectionQuery("from PayoutAccount where id in ?1", PayoutAccount.class)
                .setParameter(1, ids).getResultList());
    }

    /**
     * An admin's decision on an account, taken on its row locked (two decisions at once run one after the other, and a
     * payout request reads the one that committed). The same decision again, by the admin who made it, is a replay: the
     * account as it is, nothing recorded again. Another decision replaces it, recorded as any.
     */
    public Uni<PayoutAccount> verify(Caller admin, String accountId, boolean verified, AuditDraft audit) {
        UUID id = parse(accountId);
        return Panache.withTransaction(() -> findById(id, jakarta.persistence.LockModeType.PESSIMISTIC_WRITE).flatMap(a -> {
            if (a != null && a.verifiedAt != null && a.verified == verified && admin.userId().equals(a.verifiedBy)) {
                return adminLog.replayed(audit).replaceWith(a);
            }
            return Uni.createFrom().item(a).map(x -> decide(admin, x, verified)).call(x -> adminLog.appendInSession(audit));
        }));
    }

    private PayoutAccount decide(Caller admin, PayoutAccount a, boolean verified) {
        if (a == null) {
            throw new Refusal(ErrorCode.NOT_FOUND, "No such payout account", "input", "payoutAccountId");
        }
        if (a.ownerId.equals(admin.userId())) {
            throw new Refusal(ErrorCode.FORBIDDEN, "Nobody may verify their own payout account", "input", "payoutAccountId");
        }
        a.verified = verified;
        a.verifiedAt = clock.instant();
        a.verifiedBy = admin.userId();
        return a;
    }

    static UUID parse(String id) {
        return Ids.require(id, "No such payout account", "input", "payoutAccountId");
    }
}
