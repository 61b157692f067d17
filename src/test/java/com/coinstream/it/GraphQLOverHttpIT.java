package com.coinstream.it;

import com.coinstream.graphql.GraphQLOverHttpTest;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The GraphQL-over-HTTP audit against the packaged app in the prod profile. */
@QuarkusIntegrationTest
@WithTestResource(ProdApp.class)
class GraphQLOverHttpIT extends GraphQLOverHttpTest {
}
