package com.coinstream.graphql;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.CompletableFuture;

import graphql.ExecutionResult;
import graphql.execution.instrumentation.Instrumentation;
import graphql.execution.instrumentation.InstrumentationContext;
import graphql.execution.instrumentation.InstrumentationState;
import graphql.execution.instrumentation.SimplePerformantInstrumentation;
import graphql.execution.instrumentation.parameters.InstrumentationCreateStateParameters;
import graphql.execution.instrumentation.parameters.InstrumentationExecuteOperationParameters;
import graphql.execution.instrumentation.parameters.InstrumentationValidationParameters;
import graphql.language.Field;
import graphql.language.FragmentDefinition;
import graphql.language.FragmentSpread;
import graphql.language.InlineFragment;
import graphql.language.OperationDefinition;
import graphql.language.Selection;
import graphql.language.SelectionSet;
import graphql.validation.ValidationError;

/**
 * SmallRye's depth and complexity limits (graphql-java's instrumentations), checked once per parsed
 * operation instead of on every request, and only on operations that are not pure introspection.
 * <p>
 * An operation whose every root field is {@code __schema}, {@code __type} or {@code __typename} is the
 * schema's self-description, which GraphiQL, Apollo, Postman and code generators fetch with the standard
 * query (graphql-js's is 15 levels deep). It touches no data and is bounded by its own rule instead:
 * graphql-java's good-faith introspection check, on by default, which allows each of {@code __schema},
 * {@code __type} and the list fields {@code types}, {@code fields}, {@code inputFields}, {@code interfaces}
 * and {@code possibleTypes} once per path, at most 500 fields and depth 20 (so the recursive
 * "fields of the types of the fields..." query that multiplies the answer is refused). Ordinary
 * operations, and any that mix data fields with introspection, keep the configured limits.
 * <p> SmallRye keeps parsed documents, so a client repeating the same
 * query text gets the same operation object back; once it passed the limits it passes them again, because
 * without directives neither depth nor complexity depends on the variables. Documents with directives
 * (an {@code @skip(if: $x)} can change both) are checked on every request, as before. An operation that
 * fails the limits is never remembered, so it is refused every time with the same error.
 */
final class RememberedQueryLimits extends SimplePerformantInstrumentation {
    private final Instrumentation limits;
    // Weak keys: an operation evicted from SmallRye's document cache is forgotten here too.
    private final Map<OperationDefinition, Boolean> passed = Collections.synchronizedMap(new WeakHashMap<>());

    RememberedQueryLimits(Instrumentation limits) {
        this.limits = limits;
    }

    @Override
    public CompletableFuture<InstrumentationState> createStateAsync(InstrumentationCreateStateParameters parameters) {
        return limits.createStateAsync(parameters);
    }

    @Override
    public InstrumentationContext<List<ValidationError>> beginValidation(InstrumentationValidationParameters parameters,
            InstrumentationState state) {
        return limits.beginValidation(parameters, state);
    }

    @Override
    public InstrumentationContext<ExecutionResult> beginExecuteOperation(InstrumentationExecuteOperationParameters parameters,
            InstrumentationState state) {
        OperationDefinition operation = parameters.getExecutionContext().getOperationDefinition();
        if (passed.containsKey(operation) || introspectionOnly(operation.getSelectionSet(), parameters.getExecutionContext().getFragmentsByName())) {
            return null; // no context needed
        }
        InstrumentationContext<ExecutionResult> context = limits.beginExecuteOperation(parameters, state); // throws when over
        String query = parameters.getExecutionContext().getExecutionInput().getQuery();
        if (query != null && query.indexOf('@') < 0) {
            passed.put(operation, Boolean.TRUE);
        }
        return context;
    }

    /** Every root selection is an introspection field (through fragments too); an empty selection is not. */
    static boolean introspectionOnly(SelectionSet selections, Map<String, FragmentDefinition> fragments) {
        if (selections == null || selections.getSelections().isEmpty()) {
            return false;
        }
        for (Selection<?> selection : selections.getSelections()) {
            boolean introspection;
            if (selection instanceof Field field) {
                introspection = field.getName().startsWith("__");
            } else if (selection instanceof InlineFragment inline) {
                introspection = introspectionOnly(inline.getSelectionSet(), fragments);
            } else if (selection instanceof FragmentSpread spread && fragments.containsKey(spread.getName())) {
                // a fragment that spreads itself is invalid and refused by validation before this runs
                introspection = introspectionOnly(fragments.get(spread.getName()).getSelectionSet(), fragments);
            } else {
                introspection = false;
            }
            if (!introspection) {
                return false;
            }
        }
        return true;
    }
}
