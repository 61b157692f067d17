package com.coinstream.engagement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import com.coinstream.support.Db;
import com.coinstream.support.FeedClient;
import com.coinstream.support.Flows;
import com.coinstream.support.Gifting;
import com.coinstream.support.Gql;
import com.coinstream.support.LedgerChecks;
import com.coinstream.support.LiveCreator;
import com.coinstream.support.Race;
import com.coinstream.support.Viewer;

import com.fasterxml.jackson.databind.JsonNode;
import io.restassured.path.json.JsonPath;
import io.quarkus.test.junit.QuarkusTest;

/**
 * LIVE Match: invitations and their refusals, the window by the database's clock with gifts racing its end, the result,
 * top supporters (anonymous ones too), forfeit, and the live score for both audiences.
 */
@QuarkusTest
class MatchesTest {
    static final String MATCH_FIELDS = """
            id status winner startedAt endsAt durationSeconds gifts { name }
            inviter { streamId score scoreValue { amount currency } forfeited creator { id } topSupporters(first: 50) { supporter { id displayName } coins value { amount } } }
            invitee { streamId score scoreValue { amount currency } forfeited creator { id } topSupporters(first: 50) { supporter { id displayName } coins } }
            """;
    static final String INVITE = "mutation($i: InviteToMatchInput!) { inviteToMatch(input: $i) { match { " + MATCH_FIELDS + " } userErrors { code field message } } }";
    static final String RESPOND = "mutation($i: RespondToMatchInviteInput!) { respondToMatchInvite(input: $i) { match { " + MATCH_FIELDS + " } userErrors { code } } }";
    static final String MATCH = "query($id: ID!) { match(id: $id) { " + MATCH_FIELDS + " } }";

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    static JsonPath invite(LiveCreator from, String opponentStream, Map<String, Object> extra) {
        Map<String, Object> input = new HashMap<>(Map.of("streamId", from.stream(), "opponentStreamId", opponentStream));
        input.putAll(extra);
        return Gql.ok(from.token(), INVITE, Gql.vars("i", input));
    }

    static JsonPath respond(LiveCreator who, String matchId, boolean accept) {
        return Gql.ok(who.token(), RESPOND, Gql.vars("i", Map.of("matchId", matchId, "accept", accept)));
    }

    static String running(LiveCreator a, LiveCreator b, Map<String, Object> extra) {
        String id = invite(a, b.stream(), extra).getString("data.inviteToMatch.match.id");
        JsonPath accepted = respond(b, id, true);
        assertEquals("RUNNING", accepted.getString("data.respondToMatchInvite.match.status"), accepted.prettify());
        return id;
    }

    static JsonPath awaitStatus(String matchId, String status) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            JsonPath m = Gql.ok(null, MATCH, Gql.vars("id", matchId));
            if (status.equals(m.getString("data.match.status"))) {
                return m;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("match never " + status);
    }

    static String code(JsonPath r, String op) {
        return r.getString("data." + op + ".userErrors[0].code");
    }

    @Test
    void invitationsAreRefusedForSelfBusyExpiredAndDeclined() throws InterruptedException {
        LiveCreator a = Gifting.liveCreator("matcha");
        LiveCreator b = Gifting.liveCreator("matchb");
        LiveCreator c = Gifting.liveCreator("matchc");
        assertEquals("MATCH_UNAVAILABLE", code(invite(a, a.stream(), Map.of()), "inviteToMatch"), "not with itself");
        assertEquals("FORBIDDEN", code(invite(a, b.stream(), Map.of("streamId", c.stream())), "inviteToMatch"), "only from your own stream");
        assertEquals("NOT_FOUND", code(invite(a, b.stream(), Map.of("streamId", "00000000-0000-4000-8000-00000000dead")), "inviteToMatch"),
                "a stream that does not exist is not found, as everywhere");
        assertEquals("INVALID_INPUT", code(invite(a, b.stream(), Map.of("durationSeconds", 30)), "inviteToMatch"));
        assertEquals("INVALID_INPUT", code(invite(a, b.stream(), Map.of("durationSeconds", 601)), "inviteToMatch"));
        assertEquals("NOT_FOUND", code(invite(a, b.stream(), Map.of("giftIds", List.of("nope"))), "inviteToMatch"));
        assertEquals("GIFT_UNAVAILABLE", code(invite(a, b.stream(), Map.of("giftIds", List.of(StreamGoalsTest.retiredGift()))), "inviteToMatch"),
                "a match no gift can score in");
        var none = invite(a, b.stream(), Map.of("giftIds", List.of()));
        assertEquals("INVALID_INPUT", code(none, "inviteToMatch"), "an empty list is a refusal in the payload, as every input's");
        assertEquals(List.of("input", "giftIds"), none.getList("data.inviteToMatch.userErrors[0].field"));

        // declined, then answered again
        String declined = invite(a, b.stream(), Map.of()).getString("data.inviteToMatch.match.id");
        assertEquals("FORBIDDEN", code(respond(a, declined, true), "respondToMatchInvite"), "the inviter cannot answer");
        assertEquals("NOT_FOUND", code(respond(c, declined, true), "respondToMatchInvite"), "a stranger sees nothing");
        assertEquals("DECLINED", respond(b, declined, false).getString("data.respondToMatchInvite.match.status"));
        assertEquals("INVALID_STATE", code(respond(b, declined, true), "respondToMatchInvite"));

        // expired: the answer came too late
        String late = invite(a, b.stream(), Map.of()).getString("data.inviteToMatch.match.id");
        Db.rows(Db.TEST_SCHEMA, "update live_match set expires_at = clock_timestamp() - interval '1 second' where id = ?::uuid returning id", late);
        assertEquals("INVITE_EXPIRED", code(respond(b, late, true), "respondToMatchInvite"));
        String status = null;
        for (int i = 0; i < 50 && !"EXPIRED".equals(status); i++) { // the match clock expires it (every second)
            Thread.sleep(100);
            status = Gql.ok(null, MATCH, Gql.vars("id", late)).getString("data.match.status");
        }
        assertEquals("EXPIRED", status);

        // busy: a stream already in a match
        running(a, b, Map.of());
        assertEquals("MATCH_UNAVAILABLE", code(invite(c, b.stream(), Map.of()), "inviteToMatch"));
        assertEquals("MATCH_UNAVAILABLE", code(invite(a, c.stream(), Map.of()), "inviteToMatch"));
        String pending = invite(c, Gifting.liveCreator("matchd").stream(), Map.of()).getString("data.inviteToMatch.match.id");
        assertNotNull(pending);

        // not live any more
        Gql.ok(c.token(), "mutation($i: EndLiveStreamInput!) { endLiveStream(input: $i) { liveStream { status } } }", Gql.vars("i", Map.of("streamId", c.stream())));
        assertEquals("CANCELLED", Gql.ok(null, MATCH, Gql.vars("id", pending)).getString("data.match.status"), "open invitations end with the stream");
        assertEquals("MATCH_UNAVAILABLE", code(invite(Gifting.liveCreator("matche"), c.stream(), Map.of()), "inviteToMatch"));
    }

    /** An invitation is an alert in another room: one waiting from a stream to another, five waiting from a stream. */
    @Test
    void invitationsCannotBeSentInALoop() {
        LiveCreator a = Gifting.liveCreator("loopa");
        LiveCreator b = Gifting.liveCreator("loopb");
        assertNotNull(invite(a, b.stream(), Map.of()).getString("data.inviteToMatch.match.id"));
        assertEquals("MATCH_UNAVAILABLE", code(invite(a, b.stream(), Map.of()), "inviteToMatch"), "the first still waits");
        for (int i = 0; i < 4; i++) {
            assertNotNull(invite(a, Gifting.liveCreator("loopo").stream(), Map.of()).getString("data.inviteToMatch.match.id"));
        }
        assertEquals("RATE_LIMITED", code(invite(a, Gifting.liveCreator("loopo").stream(), Map.of()), "inviteToMatch"), "five waiting");
        assertEquals(5, Db.number(Db.TEST_SCHEMA, "select count(*) from live_match where inviter_stream = ?::uuid and status = 'INVITED'", a.stream()));
    }

    @Test
    void answeringAnInvitationWhoseInviterEndedTheirStreamIsMatchUnavailable() {
        LiveCreator inviter = Gifting.liveCreator("leaver");
        LiveCreator invitee = Gifting.liveCreator("stayer");
        String id = invite(inviter, invitee.stream(), Map.of()).getString("data.inviteToMatch.match.id");
        Gql.ok(inviter.token(), "mutation($i: EndLiveStreamInput!) { endLiveStream(input: $i) { liveStream { status } } }",
                Gql.vars("i", Map.of("streamId", inviter.stream())));
        assertEquals("MATCH_UNAVAILABLE", respond(invitee, id, true).getString("data.respondToMatchInvite.userErrors[0].code"));
        assertEquals("MATCH_UNAVAILABLE", respond(invitee, id, false).getString("data.respondToMatchInvite.userErrors[0].code"));
    }

    @Test
    void giftsRacingTheEndCountExactlyWhenTheyScoredInsideTheWindow() throws Exception {
        LiveCreator a = Gifting.liveCreator("racea");
        LiveCreator b = Gifting.liveCreator("raceb");
        Viewer[] fans = new Viewer[16];
        for (int i = 0; i < fans.length; i++) {
            fans[i] = Gifting.fundedViewer("racefan" + i, 1000);
        }
        String id = running(a, b, Map.of());
        // (the shortest match is a minute: the test moves its end to 2 s from now, by the database's clock: on a slow
        // machine the first of the racing gifts take a while to be answered, and some must be answered before the end)
        Timestamp endsAt = (Timestamp) Db.rows(Db.TEST_SCHEMA,
                "update live_match set ends_at = clock_timestamp() + interval '2000 milliseconds' where id = ?::uuid returning ends_at", id)
                .get(0).get("ends_at");
        long end = endsAt.getTime();
        Map<Integer, long[]> times = new ConcurrentHashMap<>();
        String send = "mutation($input: SendGiftInput!) { sendGift(input: $input) { receipt { id } userErrors { code } } }";
        List<JsonPath> sent = Race.run(160, i -> {
            try {
                Thread.sleep((i * 25L) % 4000); // spread over 4 s: before, across and after the end
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            long started = System.currentTimeMillis();
            JsonPath r = Gql.ok(fans[i % fans.length].token(), send, Gql.input("streamId", i % 2 == 0 ? a.stream() : b.stream(),
                    "giftId", i % 3 == 0 ? Gifting.FINGER_HEART : Gifting.ROSE, "quantity", 1 + i % 2, "idempotencyKey", Flows.key(),
                    "anonymous", i % 5 == 4));
            times.put(i, new long[] { started, System.currentTimeMillis() });
            return r;
        });
        assertTrue(sent.stream().allMatch(r -> r.getList("data.sendGift.userErrors").isEmpty()), "every gift accepted");
        JsonPath done = awaitStatus(id, "FINISHED");

        // the score equals the gifts that scored, each a committed gift of its side with its coins, scored inside the window
        long inviter = done.getLong("data.match.inviter.score");
        long invitee = done.getLong("data.match.invitee.score");
        assertEquals(inviter, Db.number(Db.TEST_SCHEMA, "select coalesce(sum(g.coins), 0) from match_gift s join gift_event g on g.id = s.event_id "
                + "where s.match_id = ?::uuid and g.stream_id = ?::uuid", id, a.stream()));
        assertEquals(invitee, Db.number(Db.TEST_SCHEMA, "select coalesce(sum(g.coins), 0) from match_gift s join gift_event g on g.id = s.event_id "
                + "where s.match_id = ?::uuid and g.stream_id = ?::uuid", id, b.stream()));
        // gifts answered before the end scored; gifts sent after it did not (50 ms either side for the clocks' reading)
        List<String> scored = new ArrayList<>();
        Db.rows(Db.TEST_SCHEMA, "select event_id::text as e from match_gift where match_id = ?::uuid", id).forEach(r -> scored.add((String) r.get("e")));
        int before = 0;
        int after = 0;
        for (int i = 0; i < sent.size(); i++) {
            String receipt = sent.get(i).getString("data.sendGift.receipt.id");
            long[] t = times.get(i);
            if (t[1] < end - 50) {
                before++;
                assertTrue(scored.contains(receipt), "a gift committed before the end scored");
            } else if (t[0] > end + 50) {
                after++;
                assertFalse(scored.contains(receipt), "a gift sent after the end did not score");
            }
        }
        assertTrue(before > 10 && after > 10, "gifts on both sides of the end: " + before + " / " + after);
        String winner = inviter > invitee ? "INVITER" : invitee > inviter ? "INVITEE" : "TIE";
        assertEquals(winner, done.getString("data.match.winner"));
        long supporters = done.<Map<String, Object>> getList("data.match.inviter.topSupporters").stream()
                .mapToLong(s -> ((Number) s.get("coins")).longValue()).sum();
        assertEquals(inviter, supporters, "the side's supporters add up to its score");
        for (String side : List.of("inviter", "invitee")) {
            assertTrue(done.<Map<String, Object>> getList("data.match." + side + ".topSupporters.supporter").stream()
                    .anyMatch(p -> "Anonymous".equals(p.get("displayName"))), "anonymous supporters stay anonymous");
        }
        LedgerChecks.assertClean(); // MATCH: every match against the gifts that scored
    }

    @Test
    void endingAStreamMidMatchForfeitsItAndOnlyChosenGiftsCount() throws InterruptedException {
        LiveCreator a = Gifting.liveCreator("forfeita");
        LiveCreator b = Gifting.liveCreator("forfeitb");
        Viewer fan = Gifting.fundedViewer("forfeitfan", 500);
        String id = running(a, b, Map.of("giftIds", List.of(Gifting.ROSE), "durationSeconds", 120));
        Gifting.send(fan.token(), a.stream(), Gifting.ROSE, 5, Flows.key());
        Gifting.send(fan.token(), a.stream(), Gifting.PERFUME, 1, Flows.key()); // not a match gift
        Gifting.send(fan.token(), b.stream(), Gifting.ROSE, 2, Flows.key());
        JsonPath live = Gql.ok(null, MATCH, Gql.vars("id", id));
        assertEquals(5, live.getLong("data.match.inviter.score"));
        assertEquals(2, live.getLong("data.match.invitee.score"));
        assertEquals(List.of("Rose"), live.getList("data.match.gifts.name"));
        Gql.ok(a.token(), "mutation($i: EndLiveStreamInput!) { endLiveStream(input: $i) { liveStream { status } } }", Gql.vars("i", Map.of("streamId", a.stream())));
        JsonPath over = Gql.ok(null, MATCH, Gql.vars("id", id));
        assertEquals("FINISHED", over.getString("data.match.status"));
        assertEquals("INVITEE", over.getString("data.match.winner"), "the stream that ended forfeits, whatever the score");
        assertTrue(over.getBoolean("data.match.inviter.forfeited"));
        assertEquals(List.of(), Gql.ok(b.token(), "{ matches(first: 5) { nodes { id } } }").getList("data.matches.nodes.id").stream()
                .filter(x -> !x.equals(id)).toList());
        LedgerChecks.assertClean();
    }

    /**
     * A stream that ends once its match's window has closed, before the match clock (a tick a second) closed the match,
     * forfeits nothing: the match ends by its score, as the clock would have ended it. (The window is closed here by
     * moving the match's end into the past; the stream ends at once, mostly before the next tick.)
     */
    @Test
    void endingAStreamAfterTheWindowClosedForfeitsNothing() throws InterruptedException {
        LiveCreator a = Gifting.liveCreator("lateenda");
        LiveCreator b = Gifting.liveCreator("lateendb");
        Viewer fan = Gifting.fundedViewer("lateendfan", 500);
        String id = running(a, b, Map.of("durationSeconds", 60));
        Gifting.send(fan.token(), a.stream(), Gifting.ROSE, 5, Flows.key());
        // the window closes after the gift scored (every gift that scored did so inside it, as ledgerAudit checks)
        Db.rows(Db.TEST_SCHEMA, "update live_match m set ends_at = greatest(clock_timestamp() - interval '100 milliseconds', "
                + "(select max(g.scored_at) + interval '1 millisecond' from match_gift g where g.match_id = m.id)) where id = ?::uuid returning id", id);
        Thread.sleep(5); // and has closed by now
        Gql.ok(a.token(), "mutation($i: EndLiveStreamInput!) { endLiveStream(input: $i) { liveStream { status } } }", Gql.vars("i", Map.of("streamId", a.stream())));
        JsonPath over = Gql.ok(null, MATCH, Gql.vars("id", id));
        assertEquals("FINISHED", over.getString("data.match.status"));
        assertEquals("INVITER", over.getString("data.match.winner"), "the inviter led when the window closed");
        assertFalse(over.getBoolean("data.match.inviter.forfeited"));
        LedgerChecks.assertClean();
    }

    /**
     * An invitation cancelled because the inviter ended their stream reaches the invited stream's audience too: the room
     * of the other stream reads again on the ended stream's notice (it kept showing the invitation).
     */
    @Test
    void theInvitedStreamsAudienceSeesAnInvitationCancelledByTheInvitersEnd() throws Exception {
        LiveCreator inviter = Gifting.liveCreator("cancelx");
        LiveCreator invited = Gifting.liveCreator("cancely");
        Viewer fan = Gifting.fundedViewer("cancelfan", 1000);
        String pending = invite(inviter, invited.stream(), Map.of()).getString("data.inviteToMatch.match.id");
        try (FeedClient client = FeedClient.connect(port, fan.token())) {
            assertNotNull(client.nextOf(10, "connection_ack"));
            client.subscribe("a", StreamActivityTest.ACTIVITY.replace("goal { id", "match { matchId status } goal { id"), Map.of("s", invited.stream()));
            String warm = StreamActivityTest.warmUp(client, fan, invited); // the room now knows the invitation
            Gql.ok(inviter.token(), "mutation($i: EndLiveStreamInput!) { endLiveStream(input: $i) { liveStream { status } } }",
                    Gql.vars("i", Map.of("streamId", inviter.stream())));
            List<String> seen = new ArrayList<>();
            boolean ended = false;
            for (int i = 0; i < 20 && !ended; i++) {
                JsonNode act = StreamActivityTest.next(client, warm, 5);
                assertNotNull(act, "activity after " + seen);
                seen.add(act.path("kind").asText() + " " + act.path("match").path("status").asText());
                ended = "MATCH_ENDED".equals(act.path("kind").asText()) && pending.equals(act.path("match").path("matchId").asText());
            }
            assertTrue(ended, seen.toString());
        }
        Gql.ok(invited.token(), "mutation($i: EndLiveStreamInput!) { endLiveStream(input: $i) { liveStream { status } } }",
                Gql.vars("i", Map.of("streamId", invited.stream())));
    }

    /**
     * Every invitation a stream receives is told to its audience (the studio shows it from that): a second one while the
     * first waits was not (the room followed the first only), nor one received while the stream's own invitation waited.
     * Once the followed one is declined, the room follows the next.
     */
    @Test
    void everyWaitingInvitationIsToldAndTheNextIsFollowedWhenOneCloses() throws Exception {
        LiveCreator first = Gifting.liveCreator("invitesfirst");
        LiveCreator second = Gifting.liveCreator("invitessecond");
        LiveCreator invited = Gifting.liveCreator("invitesinvited");
        Viewer fan = Gifting.fundedViewer("invitesfan", 1000);
        String one = invite(first, invited.stream(), Map.of()).getString("data.inviteToMatch.match.id");
        try (FeedClient client = FeedClient.connect(port, fan.token())) {
            assertNotNull(client.nextOf(10, "connection_ack"));
            client.subscribe("a", StreamActivityTest.ACTIVITY.replace("goal { id", "match { matchId status } goal { id"), Map.of("s", invited.stream()));
            String warm = StreamActivityTest.warmUp(client, fan, invited); // the room now follows the first invitation
            String two = invite(second, invited.stream(), Map.of()).getString("data.inviteToMatch.match.id");
            List<String> seen = new ArrayList<>();
            boolean told = false;
            for (int i = 0; i < 20 && !told; i++) {
                JsonNode act = StreamActivityTest.next(client, warm, 5);
                assertNotNull(act, "activity after " + seen);
                seen.add(act.path("kind").asText() + " " + act.path("match").path("matchId").asText());
                told = "MATCH_INVITED".equals(act.path("kind").asText()) && two.equals(act.path("match").path("matchId").asText());
            }
            assertTrue(told, "the second invitation told: " + seen);
            respond(invited, one, false);
            boolean endedOne = false;
            for (int i = 0; i < 20 && !endedOne; i++) {
                JsonNode act = StreamActivityTest.next(client, warm, 5);
                assertNotNull(act, "activity after " + seen);
                seen.add(act.path("kind").asText() + " " + act.path("match").path("matchId").asText());
                endedOne = "MATCH_ENDED".equals(act.path("kind").asText()) && one.equals(act.path("match").path("matchId").asText());
            }
            assertTrue(endedOne, seen.toString());
            assertTrue(seen.stream().filter(k -> k.equals("MATCH_INVITED " + two)).count() == 1, "told once: " + seen);
        }
        for (LiveCreator c : List.of(first, second, invited)) {
            Gql.ok(c.token(), "mutation($i: EndLiveStreamInput!) { endLiveStream(input: $i) { liveStream { status } } }",
                    Gql.vars("i", Map.of("streamId", c.stream())));
        }
    }

    @Test
    void theAudienceFollowsTheRunningMatchNotAnEarlierInvitationStillPending() throws Exception {
        LiveCreator x = Gifting.liveCreator("followx");
        LiveCreator pendingWith = Gifting.liveCreator("followa");
        LiveCreator playingWith = Gifting.liveCreator("followb");
        Viewer fan = Gifting.fundedViewer("followfan", 1000);
        String pending = invite(x, pendingWith.stream(), Map.of()).getString("data.inviteToMatch.match.id");
        try (FeedClient client = FeedClient.connect(port, fan.token())) {
            assertNotNull(client.nextOf(10, "connection_ack"));
            client.subscribe("a", StreamActivityTest.ACTIVITY.replace("goal { id", "match { matchId status } goal { id"), Map.of("s", x.stream()));
            String warm = StreamActivityTest.warmUp(client, fan, x); // the room now knows the pending invitation
            String playing = running(playingWith, x, Map.of("durationSeconds", 60));
            assertEquals("INVITED", Gql.ok(null, MATCH, Gql.vars("id", pending)).getString("data.match.status"), "still pending");
            List<String> seen = new ArrayList<>();
            boolean started = false;
            for (int i = 0; i < 20 && !started; i++) {
                JsonNode act = StreamActivityTest.next(client, warm, 5);
                assertNotNull(act, "activity after " + seen);
                seen.add(act.path("kind").asText() + " " + act.path("match").path("matchId").asText());
                started = "MATCH_STARTED".equals(act.path("kind").asText()) && playing.equals(act.path("match").path("matchId").asText());
            }
            assertTrue(started, seen.toString());
            Gifting.send(fan.token(), playingWith.stream(), Gifting.PERFUME, 1, Flows.key());
            boolean scored = false;
            for (int i = 0; i < 20 && !scored; i++) {
                JsonNode act = StreamActivityTest.next(client, warm, 5);
                assertNotNull(act, "activity after " + seen);
                seen.add(act.path("kind").asText() + " " + act.path("match").path("matchId").asText());
                scored = "MATCH_SCORE".equals(act.path("kind").asText()) && playing.equals(act.path("match").path("matchId").asText());
            }
            assertTrue(scored, seen.toString());
        }
        for (LiveCreator c : List.of(x, pendingWith, playingWith)) { // no match of this test runs on into later ones
            Gql.ok(c.token(), "mutation($i: EndLiveStreamInput!) { endLiveStream(input: $i) { liveStream { status } } }",
                    Gql.vars("i", Map.of("streamId", c.stream())));
        }
    }

    @Test
    void bothAudiencesSeeTheLiveScore() throws Exception {
        LiveCreator a = Gifting.liveCreator("scorea");
        LiveCreator b = Gifting.liveCreator("scoreb");
        Viewer fan = Gifting.fundedViewer("scorefan", 1000);
        try (FeedClient client = FeedClient.connect(port, fan.token())) {
            assertNotNull(client.nextOf(10, "connection_ack"));
            client.subscribe("a", StreamActivityTest.ACTIVITY.replace("goal { id", "match { matchId status inviterSide inviterScore inviteeScore "
                    + "inviterValue { amount } winner } goal { id"), Map.of("s", b.stream()));
            String warm = StreamActivityTest.warmUp(client, fan, b);
            String id = running(a, b, Map.of("durationSeconds", 60));
            List<String> kinds = new ArrayList<>();
            JsonNode started = null;
            for (int i = 0; i < 20 && started == null; i++) {
                JsonNode act = StreamActivityTest.next(client, warm, 5);
                assertNotNull(act, "activity after " + kinds);
                kinds.add(act.path("kind").asText());
                if ("MATCH_STARTED".equals(act.path("kind").asText())) {
                    started = act;
                }
            }
            assertNotNull(started, kinds.toString());
            // a gift to the other side moves the bar in this room too
            Gifting.send(fan.token(), a.stream(), Gifting.PERFUME, 1, Flows.key());
            JsonNode score = null;
            for (int i = 0; i < 20 && score == null; i++) {
                JsonNode act = StreamActivityTest.next(client, warm, 5);
                assertNotNull(act, "activity after " + kinds);
                kinds.add(act.path("kind").asText());
                if ("MATCH_SCORE".equals(act.path("kind").asText())) {
                    score = act.path("match");
                }
            }
            assertNotNull(score, kinds.toString());
            assertEquals(id, score.path("matchId").asText());
            assertFalse(score.path("inviterSide").asBoolean(), "this room is the invitee's");
            assertEquals(20, score.path("inviterScore").asLong());
            assertNotNull(score.path("inviterValue").path("amount").textValue(), "money next to coins");
        }
    }
}
