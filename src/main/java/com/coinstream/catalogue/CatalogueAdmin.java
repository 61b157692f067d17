package com.coinstream.catalogue;

import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.coinstream.audit.AdminAuditLog;
import com.coinstream.audit.AuditDraft;
import com.coinstream.domain.Amounts;
import com.coinstream.domain.ErrorCode;
import com.coinstream.domain.Ids;
import com.coinstream.domain.Refusal;
import com.coinstream.domain.Text;
import com.coinstream.events.ClusterEvents;

import io.smallrye.mutiny.Uni;

/** Admin changes to the gift catalogue. A price change never touches gifts already sent. */
@ApplicationScoped
public class CatalogueAdmin {
    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(CatalogueAdmin.class);
    static final long MAX_GIFT_COINS = 1_000_000;
    private final GiftCatalogue catalogue;
    private final ClusterEvents cluster;
    private final Clock clock;
    private final AdminAuditLog adminLog;

    public CatalogueAdmin(GiftCatalogue catalogue, ClusterEvents cluster, Clock clock, AdminAuditLog adminLog) {
        this.adminLog = adminLog;
        this.catalogue = catalogue;
        this.cluster = cluster;
        this.clock = clock;
    }

    public record GiftChange(String name, BigInteger coins, Integer tier, String animationKey, List<String> regions,
            Instant activeFrom, Instant activeUntil) {
    }

    /** Must run inside a Panache transaction. */
    public Uni<Gift> create(GiftChange change, AuditDraft audit) {
        Gift g = new Gift();
        g.id = UUID.randomUUID();
        g.createdAt = clock.instant();
        g.activeFrom = change.activeFrom() == null ? g.createdAt : change.activeFrom();
        if (change.name() == null || change.coins() == null || change.tier() == null || change.animationKey() == null) {
            throw new Refusal(ErrorCode.INVALID_INPUT, "name, coins, tier and animationKey are required", "input");
        }
        apply(g, change);
        return catalogue.persist(g).call(saved -> adminLog.appendInSession(audit == null ? null : audit.target("gift", g.id)));
    }

    /** Must run inside a Panache transaction. */
    public Uni<Gift> update(String giftId, GiftChange change, AuditDraft audit) {
        UUID id = parse(giftId);
        // locked: two updates at once apply one after the other (each changes only its own fields), never one over the other
        return catalogue.findById(id, jakarta.persistence.LockModeType.PESSIMISTIC_WRITE).map(g -> {
            if (g == null) {
                throw new Refusal(ErrorCode.NOT_FOUND, "No such gift", "input", "giftId");
            }
            apply(g, change);
            return g;
        }).call(g -> adminLog.appendInSession(audit));
    }

    /** After the transaction commits: every instance reloads its catalogue. */
    public Uni<Void> published() {
        return catalogue.reload().onFailure().invoke(e -> LOG.errorf(e, "the catalogue was changed but this instance could not reload it"))
                .onFailure().recoverWithNull().call(() -> cluster.publish(ClusterEvents.CATALOGUE, "changed"));
    }

    private void apply(Gift g, GiftChange c) {
        if (c.name() != null) {
            // the input gate's own rule for a person's text (as a person counts characters), not a count of UTF-16 units
            if (Text.encodingProblem(c.name()) != null || Text.personTextProblem(c.name(), 1, 64, false) != null
                    || !Text.printable(c.name(), false)) {
                throw new Refusal(ErrorCode.INVALID_INPUT, "name must be 1-64 printable characters", "input", "name");
            }
            g.name = c.name().strip();
        }
        if (c.coins() != null) {
            g.coins = Amounts.within(c.coins(), 1, MAX_GIFT_COINS, ErrorCode.INVALID_AMOUNT, "coins", "input", "coins");
        }
        if (c.tier() != null) {
            if (c.tier() < 1 || c.tier() > 10) {
                throw new Refusal(ErrorCode.INVALID_INPUT, "tier must be between 1 and 10", "input", "tier");
            }
            g.tier = c.tier();
        }
        if (c.animationKey() != null) {
            if (!c.animationKey().matches("[A-Za-z0-9._/-]{1,128}")) {
                throw new Refusal(ErrorCode.INVALID_INPUT, "animationKey must be 1-128 of [A-Za-z0-9._/-]", "input", "animationKey");
            }
            g.animationKey = c.animationKey();
        }
        if (c.regions() != null) {
            if (c.regions().size() > 250 || c.regions().stream().anyMatch(r -> r == null || !r.matches("[A-Z]{2}"))) {
                throw new Refusal(ErrorCode.INVALID_INPUT, "regions must be ISO 3166-1 alpha-2 codes", "input", "regions");
            }
            g.regions = c.regions().stream().distinct().sorted().toArray(String[]::new);
        } else if (g.regions == null) {
            g.regions = new String[0];
        }
        if (c.activeFrom() != null) {
            g.activeFrom = c.activeFrom();
        }
        if (c.activeUntil() != null) {
            g.activeUntil = c.activeUntil();
        }
        if (g.activeUntil != null && !g.activeUntil.isAfter(g.activeFrom)) {
            throw new Refusal(ErrorCode.INVALID_INPUT, "activeUntil must be after activeFrom", "input", "activeUntil");
        }
        g.updatedAt = clock.instant();
    }

    static UUID parse(String giftId) {
        return Ids.require(giftId, "No such gift", "input", "giftId");
    }
}
