package com.coinstream.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/**
 * A seeded, randomised model of the money paths: rounds of purchases (settled at once, or later by webhooks that
 * may arrive in either order), grants, gifts, replays, refunds and chargebacks, holds, spending caps and stream
 * ends, sent concurrently within each round to one or more instances. After every round it checks the invariants
 * against the database: the reconciling audit is clean; every accepted gift is exactly one ok response; creators'
 * pending diamonds are the accepted gifts neither reversed nor matured; no debt exists unless a gift became final;
 * no gift was accepted once its sender's hold or its stream's end had returned; caps held.
 * The seed is printed with any failure; rerun with -Dmodel.seed=N.
 */
public final class MoneyModel {
    static final String[] GIFTS = { Gifting.ROSE, Gifting.FINGER_HEART, Gifting.PERFUME, Gifting.HAND_HEARTS };
    static final String REVERSE = "mutation($input: ReversePurchaseInput!) { reversePurchase(input: $input) { reversal { id } userErrors { code } } }";

    private final long seed;
    private final Random random;
    private final List<Integer> ports;
    private final String schema;
    private final Duration hold;
    private final String admin = Tokens.admin(Tokens.unique("model-admin"));
    private final List<Person> viewers = new ArrayList<>();
    private final List<Creator> creators = new ArrayList<>();

    record Person(String id, String token) {
    }

    static final class Creator {
        final Person person;
        volatile String stream;

        Creator(Person person) {
            this.person = person;
        }
    }

    /** A gift request and what came back. */
    record Attempt(String viewer, String stream, Instant started, Instant finished, String receipt) {
    }

    /** The first successful send of a key, to replay later. */
    record Sent(Person viewer, Map<String, Object> input, String receipt, long walletAfter) {
    }

    record Bought(String purchase, Person viewer) {
    }

    private final Map<String, Long> receiptDiamonds = new ConcurrentHashMap<>();
    private final Map<String, String> receiptCreator = new ConcurrentHashMap<>();
    private final List<Attempt> attempts = new CopyOnWriteArrayList<>();
    private final List<Sent> sent = new CopyOnWriteArrayList<>();
    private final List<Bought> succeeded = new CopyOnWriteArrayList<>();
    private final List<Bought> pending = new CopyOnWriteArrayList<>();
    private final Set<String> reversed = ConcurrentHashMap.newKeySet();
    private final Map<String, List<HoldChange>> holds = new ConcurrentHashMap<>();
    private final Map<String, Instant> ended = new ConcurrentHashMap<>();
    /** Per viewer: the day cap set before the round, and the spend at that moment. */
    private final Map<String, long[]> caps = new HashMap<>();

    public MoneyModel(List<Integer> ports, String schema, Duration hold) {
        this.seed = Long.getLong("model.seed", System.nanoTime());
        this.random = new Random(seed);
        this.ports = ports;
        this.schema = schema;
        this.hold = hold;
    }

    public void run(int rounds, int operationsPerRound) {
        try {
            setUp();
            for (int round = 0; round < rounds; round++) {
                setCaps();
                List<Runnable> operations = new ArrayList<>();
                for (int i = 0; i < operationsPerRound; i++) {
                    operations.add(operation());
                }
                Race.run(operations.size(), i -> {
                    operations.get(i).run();
                    return null;
                });
                check(round);
            }
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError("money model failed with seed " + seed + " (rerun with -Dmodel.seed=" + seed + "): " + e.getMessage(), e);
        }
    }

    private void setUp() {
        for (int i = 0; i < 3; i++) {
            String id = Tokens.unique("model-creator");
            Creator c = new Creator(new Person(id, Tokens.creator(id)));
            c.stream = startStream(c);
            creators.add(c);
        }
        for (int i = 0; i < 6; i++) {
            String id = Tokens.unique("model-viewer");
            Person v = new Person(id, Tokens.viewer(id));
            ok(port(), v.token(), "{ me { id } }", null);
            grant(v, 1000);
            viewers.add(v);
        }
    }

    private Runnable operation() {
        int port = port();
        Person v = viewers.get(random.nextInt(viewers.size()));
        Creator c = creators.get(random.nextInt(creators.size()));
        int pick = random.nextInt(100);
        long number = random.nextLong();
        if (pick < 40) {
            String gift = GIFTS[random.nextInt(GIFTS.length)];
            int quantity = 1 + random.nextInt(3);
            return () -> gift(port, v, c, gift, quantity);
        } else if (pick < 48 && !sent.isEmpty()) {
            Sent original = sent.get(random.nextInt(sent.size()));
            return () -> replay(port, original);
        } else if (pick < 58) {
            String pkg = random.nextBoolean() ? Flows.PKG_70 : Flows.PKG_350;
            boolean async = random.nextInt(3) == 0;
            return () -> buy(port, v, pkg, async);
        } else if (pick < 68 && !pending.isEmpty()) {
            Bought p = pending.get(random.nextInt(pending.size()));
            int kind = random.nextInt(3);
            return () -> webhook(port, p, kind, number);
        } else if (pick < 76 && !succeeded.isEmpty()) {
            Bought p = succeeded.get(random.nextInt(succeeded.size()));
            boolean refund = random.nextBoolean();
            return () -> reverse(port, p, refund);
        } else if (pick < 80) {
            long coins = 50 + random.nextInt(450);
            return () -> grant(v, coins);
        } else if (pick < 86) {
            boolean place = random.nextBoolean();
            return () -> hold(port, v, place);
        } else if (pick < 90) {
            return () -> restartStream(port, c);
        } else {
            return () -> earnings(port, c);
        }
    }

    private int port() {
        return ports.get(random.nextInt(ports.size()));
    }

    private void gift(int port, Person v, Creator c, String gift, int quantity) {
        String stream = c.stream;
        Map<String, Object> input = Gql.input("streamId", stream, "giftId", gift, "quantity", quantity, "idempotencyKey", Flows.key());
        Instant started = Instant.now();
        JsonPath r = ok(port, v.token(), Gifting.SEND, input);
        String receipt = r.getString("data.sendGift.receipt.id");
        attempts.add(new Attempt(v.id(), stream, started, Instant.now(), receipt));
        if (receipt != null) {
            receiptDiamonds.put(receipt, r.getLong("data.sendGift.receipt.creatorDiamonds"));
            receiptCreator.put(receipt, c.person.id());
            sent.add(new Sent(v, input, receipt, r.getLong("data.sendGift.wallet.coins")));
        } else {
            assertTrue(Set.of("INSUFFICIENT_COINS", "STREAM_NOT_LIVE", "ACCOUNT_ON_HOLD", "COIN_DEBT_OUTSTANDING", "SPENDING_LIMIT_REACHED")
                    .contains(Gifting.code(r)), r.prettify());
        }
    }

    private void replay(int port, Sent original) {
        JsonPath r = ok(port, original.viewer().token(), Gifting.SEND, original.input());
        assertEquals(original.receipt(), r.getString("data.sendGift.receipt.id"), "a replay returned another result: " + r.prettify());
        assertEquals(original.walletAfter(), r.getLong("data.sendGift.wallet.coins"), "a replay returned another wallet");
    }

    private void buy(int port, Person v, String pkg, boolean async) {
        JsonPath r = ok(port, v.token(), Flows.PURCHASE, Gql.input("packageId", pkg, "paymentMethodToken", async ? "pm_async" : "pm_card_ok",
                "idempotencyKey", Flows.key()));
        String status = r.getString("data.purchaseCoins.purchase.status");
        String id = r.getString("data.purchaseCoins.purchase.id");
        if ("SUCCEEDED".equals(status)) {
            succeeded.add(new Bought(id, v));
        } else if ("PENDING".equals(status)) {
            pending.add(new Bought(id, v));
        } else {
            assertEquals("ACCOUNT_ON_HOLD", r.getString("data.purchaseCoins.userErrors[0].code"), r.prettify());
        }
    }

    /** A provider event for an async purchase: success, refund or dispute, in whatever order they come. */
    private void webhook(int port, Bought p, int kind, long number) {
        String id = "evt_model_" + Long.toHexString(number);
        String body = switch (kind) {
            case 0 -> Webhooks.succeeded(id, p.purchase(), priceOf(p.purchase()), "USD");
            case 1 -> Webhooks.refunded(id, p.purchase());
            default -> """
                    {"id":"%s","type":"payment.disputed","data":{"purchaseId":"%s"}}""".formatted(id, p.purchase());
        };
        Response r = Webhooks.postTo(port, body, Webhooks.signature(body));
        assertEquals(200, r.statusCode(), r.asString());
        if (kind == 0 && r.asString().contains("processed")) {
            succeeded.add(p);
        }
    }

    private long priceOf(String purchase) {
        return Db.number(schema, "select price_minor from purchase where id = ?::uuid", purchase);
    }

    private void reverse(int port, Bought p, boolean refund) {
        JsonPath r = ok(port, admin, REVERSE, Gql.input("purchaseId", p.purchase(), "kind", refund ? "REFUND" : "CHARGEBACK",
                "idempotencyKey", Flows.key()));
        if (r.getList("data.reversePurchase.userErrors").isEmpty()) {
            assertTrue(reversed.add(p.purchase()), "a purchase was reversed twice");
        } else {
            assertEquals("INVALID_STATE", r.getString("data.reversePurchase.userErrors[0].code"), r.prettify());
        }
    }

    private void grant(Person v, long coins) {
        JsonPath r = ok(null, admin, Flows.GRANT, Gql.input("userId", v.id(), "coins", coins, "reason", "model", "idempotencyKey", Flows.key()));
        assertTrue(r.getList("data.grantCoins.userErrors").isEmpty(), r.prettify());
    }

    private void hold(int port, Person v, boolean place) {
        Instant started = Instant.now();
        if (place) {
            ok(port, admin, "mutation($input: PlaceHoldInput!) { placeHold(input: $input) { userErrors { code } } }",
                    Gql.input("userId", v.id(), "reason", "model"));
        } else {
            ok(port, admin, "mutation($input: ReleaseHoldInput!) { releaseHold(input: $input) { userErrors { code } } }",
                    Gql.input("userId", v.id()));
        }
        holds.computeIfAbsent(v.id(), k -> new CopyOnWriteArrayList<>()).add(new HoldChange(place, started, Instant.now()));
    }

    /** A placeHold or releaseHold call: when it was sent and when it returned. */
    record HoldChange(boolean place, Instant started, Instant returned) {
    }

    /**
     * Surely on hold from {@code from} to {@code to}: a hold had returned by then, and no release that could have taken
     * effect after it was sent had been sent before {@code to}.
     */
    private boolean surelyHeld(String viewer, Instant from, Instant to) {
        List<HoldChange> changes = holds.getOrDefault(viewer, List.of());
        return changes.stream().anyMatch(p -> p.place() && p.returned().isBefore(from) && changes.stream()
                .noneMatch(r -> !r.place() && r.started().isBefore(to) && r.returned().isAfter(p.started())));
    }

    private void restartStream(int port, Creator c) {
        String old = c.stream;
        JsonPath r = ok(port, c.person.token(), "mutation($input: EndLiveStreamInput!) { endLiveStream(input: $input) { userErrors { code } } }",
                Gql.input("streamId", old));
        if (r.getList("data.endLiveStream.userErrors").isEmpty()) {
            ended.put(old, Instant.now());
            c.stream = startStream(c);
        }
    }

    private void earnings(int port, Creator c) {
        ok(port, c.person.token(), "{ earnings { diamonds { pending available } } }", null);
    }

    private String startStream(Creator c) {
        return ok(port(), c.person.token(), "mutation { startLiveStream(input: {title: \"Model\"}) { liveStream { id } userErrors { code } } }", null)
                .getString("data.startLiveStream.liveStream.id");
    }

    /** Between rounds: lower some viewers' day caps a little above what they spent. */
    private void setCaps() {
        caps.clear();
        for (Person v : viewers) {
            if (random.nextInt(3) != 0) {
                continue;
            }
            LocalDate day = LocalDate.now(ZoneOffset.UTC); // the viewers' zone
            long spent = spentOn(v.id(), day);
            long cap = spent + random.nextInt(60);
            JsonPath r = ok(null, v.token(), "mutation($input: SetSpendingLimitInput!) { setSpendingLimit(input: $input) { spendingLimit { coins effectiveAt } userErrors { code } } }",
                    Gql.input("period", "DAY", "coins", cap));
            assertTrue(r.getList("data.setSpendingLimit.userErrors").isEmpty(), r.prettify());
            if (Long.valueOf(cap).equals(r.getLong("data.setSpendingLimit.spendingLimit.coins"))) {
                caps.put(v.id(), new long[] { cap, spent, day.toEpochDay() });
            }
        }
    }

    /** What the viewer gifted on {@code day} (a run that crosses midnight checks each cap against the day it was set on). */
    private long spentOn(String viewer, LocalDate day) {
        return Db.number(schema, "select coalesce(sum(coins), 0) from spend_by_day where user_id = ? and day = ?", viewer, day);
    }

    private void check(int round) {
        LedgerChecks.assertClean();
        List<String> ids = viewers.stream().map(Person::id).toList();
        String[] idArray = ids.toArray(String[]::new);
        // Every accepted gift is one ok response, and nothing else was accepted.
        List<Map<String, Object>> gifts = Db.rows(schema, "select id::text as id, creator_id, matured_entry_id, reversed_entry_id "
                + "from gift_event where sender_id = any(?)", (Object) idArray);
        Set<String> inDatabase = new HashSet<>();
        gifts.forEach(g -> inDatabase.add((String) g.get("id")));
        assertEquals(receiptDiamonds.keySet(), inDatabase, "round " + round + ": accepted gifts differ from ok responses");
        Map<String, Long> pendingByCreator = new HashMap<>();
        for (Map<String, Object> g : gifts) {
            String id = (String) g.get("id");
            assertEquals(receiptCreator.get(id), g.get("creator_id"), "gift " + id + " credited another creator");
            if (g.get("matured_entry_id") == null && g.get("reversed_entry_id") == null) {
                pendingByCreator.merge((String) g.get("creator_id"), receiptDiamonds.get(id), Long::sum);
            }
        }
        // Creators' pending diamonds: the accepted receipts neither reversed nor matured.
        for (Creator c : creators) {
            long ledgerPending = Db.number(schema, "select coalesce(sum(b.balance), 0) from account_balance b join ledger_account a "
                    + "on a.id = b.account_id where a.owner_id = ? and a.purpose = 'DIAMONDS_PENDING'", c.person.id());
            assertEquals(pendingByCreator.getOrDefault(c.person.id(), 0L), ledgerPending, "round " + round + ": pending diamonds of " + c.person.id());
        }
        // No debt unless one of the viewer's gifts had become final (matured, or past its hold).
        for (String v : ids) {
            long debt = Db.number(schema, "select coalesce(sum(b.balance), 0) from account_balance b join ledger_account a "
                    + "on a.id = b.account_id where a.owner_id = ? and a.purpose = 'COIN_DEBT'", v);
            if (debt > 0) {
                long finalGifts = Db.number(schema, "select count(*) from gift_event where sender_id = ? and reversed_entry_id is null "
                        + "and (matured_entry_id is not null or created_at <= now() - ?::interval)", v, hold.toSeconds() + " seconds");
                assertTrue(finalGifts > 0, "round " + round + ": " + v + " owes " + debt + " coins although all their gifts were reversible");
            }
        }
        // Nothing accepted once a hold or a stream's end had returned.
        for (Attempt a : attempts) {
            if (a.receipt() == null) {
                continue;
            }
            Instant end = ended.get(a.stream());
            assertTrue(end == null || a.started().isBefore(end), "round " + round + ": gift " + a.receipt() + " accepted after its stream ended");
            assertTrue(!surelyHeld(a.viewer(), a.started(), a.finished()), "round " + round + ": gift " + a.receipt() + " accepted while its sender was on hold");
        }
        // Caps held.
        caps.forEach((viewer, cap) -> {
            long spent = spentOn(viewer, LocalDate.ofEpochDay(cap[2]));
            assertTrue(spent <= Math.max(cap[0], cap[1]), "round " + round + ": " + viewer + " spent " + spent + " under a cap of " + cap[0]);
        });
        attempts.clear();
    }

    private static JsonPath ok(Integer port, String token, String query, Map<String, Object> variables) {
        Response r = Gql.postTo(port, token, query, variables);
        assertEquals(200, r.statusCode(), r.asString());
        assertNull(r.jsonPath().getList("errors"), r.asString());
        return r.jsonPath();
    }
}
