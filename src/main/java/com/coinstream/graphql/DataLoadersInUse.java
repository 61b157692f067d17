package com.coinstream.graphql;

import org.dataloader.DataLoaderRegistry;

import graphql.ExecutionInput;
import graphql.execution.instrumentation.InstrumentationState;
import graphql.execution.instrumentation.SimplePerformantInstrumentation;
import graphql.execution.instrumentation.parameters.InstrumentationExecutionParameters;

/**
 * Before an operation runs, drops the data loaders of batched fields ({@code @Source List<...>}) its document never
 * names. SmallRye registers one for every batched field of the schema on every execution (17 here, each with its own
 * fetcher, queue, locks and cache), and a subscription keeps its execution, and so all of them, for as long as it runs:
 * about 50 KB of a subscription's 55 KB (bench/crowd.sh). graphql-java also visits every registered loader at each
 * dispatch of every request. The registry is the execution's own (SmallRye makes a new one each time), so it is trimmed
 * in place, before graphql-java reads it.
 * <p>
 * A field is selected only by writing its name, so a loader whose field name appears nowhere in the document as a whole
 * GraphQL name cannot be needed; a name that appears anywhere (in another operation of the document, a comment, a string)
 * keeps its loader, so an error here keeps one too many, never one too few.
 */
final class DataLoadersInUse extends SimplePerformantInstrumentation {
    @Override
    public ExecutionInput instrumentExecutionInput(ExecutionInput input, InstrumentationExecutionParameters parameters,
            InstrumentationState state) {
        DataLoaderRegistry registry = input.getDataLoaderRegistry();
        String document = input.getQuery();
        if (registry == null || document == null || document.isBlank()) {
            return input;
        }
        for (String key : java.util.List.copyOf(registry.getKeys())) {
            if (!namesField(document, key)) {
                registry.unregister(key);
            }
        }
        return input;
    }

    /**
     * Whether {@code document} names the field of SmallRye's loader {@code key} ("Type_field"; either may hold an
     * underscore, so every split is tried).
     */
    static boolean namesField(String document, String key) {
        for (int i = key.indexOf('_'); i >= 0; i = key.indexOf('_', i + 1)) {
            if (names(document, key.substring(i + 1))) {
                return true;
            }
        }
        return key.indexOf('_') < 0 && names(document, key);
    }

    /** Whether {@code name} appears in {@code document} as a whole GraphQL name (not part of a longer one). */
    static boolean names(String document, String name) {
        if (name.isEmpty()) {
            return true;
        }
        for (int at = document.indexOf(name); at >= 0; at = document.indexOf(name, at + 1)) {
            int end = at + name.length();
            if ((at == 0 || !nameChar(document.charAt(at - 1))) && (end == document.length() || !nameChar(document.charAt(end)))) {
                return true;
            }
        }
        return false;
    }

    private static boolean nameChar(char c) {
        return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
    }
}
