package com.coinstream.graphql;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import com.coinstream.support.Gql;
import com.coinstream.support.Tokens;

import io.quarkus.test.junit.QuarkusTest;

/**
 * SmallRye GraphQL keeps every document it parsed (text and syntax tree) in a cache sized once, by a system property,
 * 2,048 by default: the service runs with 100 (com.coinstream.Main; the test JVM and the native image builder get the
 * same setting), so distinct large documents cannot hold a large part of the heap.
 */
@QuarkusTest
class GraphQLCacheBoundTest {
    @Test
    void theParsedDocumentCacheHoldsAtMostAHundred() throws Exception {
        Gql.ok(Tokens.viewer(Tokens.unique("cachebound")), "{ me { id } }"); // the cache exists once a request ran
        var field = Class.forName("io.smallrye.graphql.execution.QueryCache").getDeclaredField("MAX_CACHE_SIZE");
        field.setAccessible(true);
        assertEquals(100, field.getInt(null));
        assertEquals("100", System.getProperty(com.coinstream.Main.QUERY_CACHE));
    }
}
