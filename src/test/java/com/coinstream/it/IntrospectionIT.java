package com.coinstream.it;

import com.coinstream.graphql.IntrospectionTest;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The introspection cases against the packaged app in the prod profile: what Apollo Sandbox, Postman or codegen meet. */
@QuarkusIntegrationTest
@WithTestResource(ProdApp.class)
class IntrospectionIT extends IntrospectionTest {
}
