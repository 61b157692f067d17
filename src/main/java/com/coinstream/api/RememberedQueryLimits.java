package com.coinstream.api;

import java.util.Collections;
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
import graphql.language.OperationDefinition;
import graphql.validation.ValidationError;

/**
 * SmallRye's depth and complexity limits (graphql-java's instrumentations), checked once per parsed
 * operation instead of on every request. SmallRye keeps parsed documents, so a client repeating the same
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
    public InstrumentationContext<java.util.List<ValidationError>> beginValidation(InstrumentationValidationParameters parameters,
            InstrumentationState state) {
        return limits.beginValidation(parameters, state);
    }

    @Override
    public InstrumentationContext<ExecutionResult> beginExecuteOperation(InstrumentationExecuteOperationParameters parameters,
            InstrumentationState state) {
        OperationDefinition operation = parameters.getExecutionContext().getOperationDefinition();
        if (passed.containsKey(operation)) {
            return null; // no context needed
        }
        InstrumentationContext<ExecutionResult> context = limits.beginExecuteOperation(parameters, state); // throws when over
        String query = parameters.getExecutionContext().getExecutionInput().getQuery();
        if (query != null && query.indexOf('@') < 0) {
            passed.put(operation, Boolean.TRUE);
        }
        return context;
    }
}
