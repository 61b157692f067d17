package com.coinstream;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * The service's entry point: Quarkus, with one library default bounded first. SmallRye GraphQL keeps every document it
 * parsed in a cache of 2,048 by default, each with its text and syntax tree; a client sending distinct documents of up
 * to the allowed size could hold a large part of the heap there. 100 is more than the web app's documents and any
 * client's working set. An operator's {@code -Dio.smallrye.graphql.execution.queryCacheMaxSize} still decides.
 */
@QuarkusMain
public class Main {
    public static final String QUERY_CACHE = "io.smallrye.graphql.execution.queryCacheMaxSize";

    public static void main(String... args) {
        if (System.getProperty(QUERY_CACHE) == null) {
            System.setProperty(QUERY_CACHE, "100");
        }
        Quarkus.run(args);
    }
}
