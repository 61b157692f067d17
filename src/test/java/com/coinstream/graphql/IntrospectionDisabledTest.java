package com.coinstream.graphql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;

import org.junit.jupiter.api.Test;

import com.coinstream.support.Gql;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

/** COINSTREAM_GRAPHQL_FIELD_VISIBILITY=no-introspection turns introspection off completely. */
@QuarkusTest
@TestProfile(IntrospectionDisabledTest.NoIntrospection.class)
class IntrospectionDisabledTest {

    public static class NoIntrospection implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.smallrye-graphql.field-visibility", "no-introspection");
        }
    }

    @Test
    void theStandardIntrospectionQueryIsRefused() throws Exception {
        Response r = Gql.post(null, IntrospectionTest.resource("graphql-js-all-options.graphql"), null);
        assertEquals("GRAPHQL_VALIDATION_FAILED", Gql.errorCode(r), r.asString());
        assertNull(r.jsonPath().get("data"));
        Response type = Gql.post(null, "{ __type(name: \"Query\") { name } }", null);
        assertEquals("GRAPHQL_VALIDATION_FAILED", Gql.errorCode(type), type.asString());
    }
}
