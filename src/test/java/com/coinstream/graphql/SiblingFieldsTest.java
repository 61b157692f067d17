package com.coinstream.graphql;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import com.coinstream.support.Gifting;
import com.coinstream.support.Gql;
import com.coinstream.support.LiveCreator;
import com.coinstream.support.Payouts;
import com.coinstream.support.Tokens;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * A client may ask for many root fields in one document; graphql-java resolves siblings concurrently,
 * so no two of them may share a database session.
 */
@QuarkusTest
class SiblingFieldsTest {

    @Test
    void onePublicDocumentCanAskForStreamsPackagesAndTheCatalogueAtOnce() {
        String stream = Gifting.liveCreator("siblings").stream();
        String query = """
                query($s: ID!) {
                  a: liveStream(id: $s) { id status creator { id } totals { coins } }
                  b: liveStream(id: $s) { id }
                  live: liveStreams(first: 5) { nodes { id } }
                  all: liveStreams(first: 5, liveOnly: false) { nodes { id } }
                  us: coinPackages(region: "US") { id }
                  gb: coinPackages(region: "GB") { id }
                  giftCatalogue(region: "US") { id }
                  rates { version }
                  topGifters(streamId: $s) { coins }
                }
                """;
        for (int i = 0; i < 10; i++) {
            JsonPath json = Gql.ok(null, query, Gql.vars("s", stream));
            assertEquals(stream, json.getString("data.a.id"));
            assertEquals(stream, json.getString("data.b.id"));
            assertEquals(6, json.getList("data.us").size());
        }
    }

    @Test
    void oneCreatorDocumentCanAskForAccountsPayoutsAndEarningsAtOnce() {
        LiveCreator creator = Gifting.liveCreator("siblingcreator");
        String account = Payouts.verifiedAccount(creator.token());
        String query = """
                query($s: ID!) {
                  me { id }
                  a: payoutAccounts { id }
                  b: payoutAccounts { id maskedToken }
                  payouts(first: 5) { nodes { id payoutAccount { id } } }
                  earnings { diamonds { pending available inPayout } }
                  liveStream(id: $s) { id }
                  liveStreams(first: 3) { nodes { id } }
                  coinPackages(region: "US") { id }
                }
                """;
        for (int i = 0; i < 10; i++) {
            JsonPath json = Gql.ok(creator.token(), query, Gql.vars("s", creator.stream()));
            assertEquals(account, json.getString("data.a[0].id"));
            assertEquals(account, json.getString("data.b[0].id"));
        }
        for (int i = 0; i < 5; i++) {
            Gql.ok(Tokens.admin(), "{ payoutQueue(first: 50) { nodes { id payoutAccount { id } } } liveStreams(first: 3) { nodes { id } } coinPackages(region: \"US\") { id } }");
        }
    }
}
