package com.coinstream.support;

import io.restassured.path.json.JsonPath;

/** Live-stream journeys. */
public final class Gifting {
    public static final String ROSE = "00000000-0000-4000-9000-000000000001";
    public static final String FINGER_HEART = "00000000-0000-4000-9000-000000000005";
    public static final String PERFUME = "00000000-0000-4000-9000-000000000020";
    public static final String HAND_HEARTS = "00000000-0000-4000-9000-000000000100";
    public static final String GALAXY = "00000000-0000-4000-9000-000000001000";

    public static final String SEND = """
            mutation($input: SendGiftInput!) { sendGift(input: $input) {
              receipt { id quantity unitCoins coins creatorDiamonds platformCommission rateVersion createdAt
                        value { amount currency } gift { name } }
              wallet { coins }
              userErrors { field message code } } }
            """;

    private Gifting() {
    }

    /** A creator (adult, with a live stream). */
    public static LiveCreator liveCreator(String prefix) {
        String id = Tokens.unique(prefix);
        String token = Tokens.creator(id);
        return new LiveCreator(id, token, startStream(token, "Live now"));
    }

    /** The creator of {@code token} goes live; the stream's id. */
    public static String startStream(String token, String title) {
        String stream = Gql.ok(token, "mutation($i: StartLiveStreamInput!) { startLiveStream(input: $i) { liveStream { id } userErrors { code } } }",
                Gql.vars("i", java.util.Map.of("title", title))).getString("data.startLiveStream.liveStream.id");
        if (stream == null) {
            throw new AssertionError("could not go live");
        }
        return stream;
    }

    /** A funded viewer. */
    public static Viewer fundedViewer(String prefix, long coins) {
        String id = Tokens.unique(prefix);
        String token = Tokens.viewer(id);
        Flows.fund(id, token, coins);
        return new Viewer(id, token);
    }

    public static JsonPath send(String token, String streamId, String giftId, Object quantity, String key) {
        return Gql.ok(token, SEND, Gql.input("streamId", streamId, "giftId", giftId, "quantity", quantity, "idempotencyKey", key));
    }

    public static String code(JsonPath r) {
        return r.getString("data.sendGift.userErrors[0].code");
    }
}
