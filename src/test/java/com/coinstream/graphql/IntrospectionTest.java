package com.coinstream.graphql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.coinstream.gifting.GiftReceipt;
import com.coinstream.support.Gql;

import graphql.introspection.IntrospectionQuery;
import graphql.introspection.IntrospectionResultToSchema;
import graphql.language.Document;
import graphql.schema.idl.SchemaParser;
import graphql.schema.idl.TypeDefinitionRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * Playgrounds, Apollo and code generators load the schema with the standard introspection query. It is
 * answered whole; the depth and complexity limits still hold for every other document.
 */
@QuarkusTest
public class IntrospectionTest {

    /** The exact documents of graphql-js's getIntrospectionQuery (every option on; the defaults), as GraphiQL and Apollo send them. */
    @ParameterizedTest
    @ValueSource(strings = { "graphql-js-all-options.graphql", "graphql-js-default.graphql" })
    void theStandardIntrospectionQueriesAreAnsweredAndBuildAClientSchema(String file) throws IOException {
        assertBuildsAClientSchema(introspect(resource(file)));
    }

    @Test
    void graphqlJavasIntrospectionQueryIsAnswered() {
        assertBuildsAClientSchema(introspect(IntrospectionQuery.INTROSPECTION_QUERY));
    }

    @Test
    void aFiftyLevelOrdinaryQueryIsStillRefused() {
        // Introspection mixed with data fields is measured like any document.
        Response r = Gql.post(null, "{ coinPackages(region: \"US\") { id } __schema { types { " + nested("ofType", 48) + " } } }", null);
        assertEquals("QUERY_TOO_COMPLEX", Gql.errorCode(r), r.asString());
        assertNull(r.jsonPath().get("data.__schema"));
    }

    @Test
    void introspectionThatMultipliesItsAnswerIsRefused() {
        // The fields of the types of the fields of ...: each level multiplies the answer by the schema's size.
        Response r = Gql.post(null, "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }", null);
        assertNotNull(r.jsonPath().getList("errors"), r.asString());
        assertNull(r.jsonPath().get("data.__schema"));
        Response deep = Gql.post(null, "{ __type(name: \"Query\") { " + nested("ofType", 30) + " } }", null);
        assertNotNull(deep.jsonPath().getList("errors"), deep.asString());
    }

    static String nested(String field, int levels) {
        return (field + " { ").repeat(levels) + "name" + " }".repeat(levels);
    }

    static Map<String, Object> introspect(String query) {
        Response r = Gql.post(null, query, null);
        assertEquals(200, r.statusCode(), r.asString());
        assertNull(r.jsonPath().getList("errors"), r.asString());
        Map<String, Object> data = r.jsonPath().getMap("data");
        assertNotNull(data.get("__schema"), r.asString());
        return data;
    }

    static void assertBuildsAClientSchema(Map<String, Object> data) {
        Document sdl = new IntrospectionResultToSchema().createSchemaDefinition(data);
        TypeDefinitionRegistry registry = new SchemaParser().buildRegistry(sdl);
        assertTrue(registry.getType("Mutation").isPresent());
        assertTrue(registry.getType("SendGiftPayload").isPresent());
        assertTrue(registry.getType("GiftReceipt").isPresent());
    }

    static String resource(String name) throws IOException {
        try (InputStream in = IntrospectionTest.class.getResourceAsStream("/introspection/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
