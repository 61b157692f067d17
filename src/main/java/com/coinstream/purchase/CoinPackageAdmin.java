package com.coinstream.purchase;

import java.math.BigInteger;
import java.time.Clock;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.coinstream.audit.AdminAuditLog;
import com.coinstream.audit.AuditDraft;
import com.coinstream.domain.Amounts;
import com.coinstream.domain.ErrorCode;
import com.coinstream.domain.Ids;
import com.coinstream.domain.Money;
import com.coinstream.domain.MoneyInput;
import com.coinstream.domain.Refusal;

import io.smallrye.mutiny.Uni;

/** Admin changes to the coin packages on sale. Packages are never deleted: a retired package stays for history. */
@ApplicationScoped
public class CoinPackageAdmin {
    static final long MAX_PACKAGE_COINS = 10_000_000;
    private final CoinPackages packages;
    private final Clock clock;
    private final AdminAuditLog adminLog;

    public CoinPackageAdmin(CoinPackages packages, Clock clock, AdminAuditLog adminLog) {
        this.adminLog = adminLog;
        this.packages = packages;
        this.clock = clock;
    }

    public Uni<CoinPackage> create(String region, BigInteger coins, MoneyInput price, AuditDraft audit) {
        if (region == null || !region.matches("[A-Z]{2}")) {
            throw new Refusal(ErrorCode.INVALID_INPUT, "region must be an ISO 3166-1 alpha-2 code", "input", "region");
        }
        long amount = Amounts.within(coins, 1, MAX_PACKAGE_COINS, ErrorCode.INVALID_AMOUNT, "coins", "input", "coins");
        if (price == null) {
            throw new Refusal(ErrorCode.INVALID_INPUT, "price is required", "input", "price");
        }
        Money money = price.toPositiveMoney("input", "price");
        // the rates' own bound per coin (RatesAdmin): a price past it overflowed the books' sums once bought, after the card was charged
        if (money.minorUnits() / amount >= com.coinstream.rates.RatesAdmin.MAX_MINOR_PER_UNIT) {
            throw new Refusal(ErrorCode.INVALID_AMOUNT, "price per coin must be below " + com.coinstream.rates.RatesAdmin.MAX_MINOR_PER_UNIT
                    + " minor units", "input", "price");
        }
        CoinPackage p = new CoinPackage();
        p.id = UUID.randomUUID();
        p.region = region;
        p.coins = amount;
        p.priceMinor = money.minorUnits();
        p.currency = money.getCurrency();
        p.active = true;
        p.createdAt = clock.instant();
        return packages.persist(p).call(saved -> adminLog.appendInSession(audit == null ? null : audit.target("coinPackage", p.id)));
    }

    public Uni<CoinPackage> retire(String packageId, AuditDraft audit) {
        UUID id = Ids.require(packageId, "No such coin package", "input", "packageId");
        return packages.findById(id).map(p -> {
            if (p == null) {
                throw new Refusal(ErrorCode.NOT_FOUND, "No such coin package", "input", "packageId");
            }
            p.active = false;
            return p;
        }).call(p -> adminLog.appendInSession(audit));
    }
}
