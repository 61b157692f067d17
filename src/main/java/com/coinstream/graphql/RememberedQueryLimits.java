package com.coinstream.graphql;

import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.CompletableFuture;

import com.coinstream.domain.Page;

import graphql.ExecutionResult;
import graphql.execution.AbortExecutionException;
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
    /** The configured complexity (fields, each counted once per time it runs), 0 for none: see {@link #expandedFields}. */
    private final long maxFields;
    // Weak keys: an operation evicted from SmallRye's document cache is forgotten here too.
    private final Map<OperationDefinition, Boolean> passed = Collections.synchronizedMap(new WeakHashMap<>());

    RememberedQueryLimits(Instrumentation limits, long maxFields) {
        this.limits = limits;
        this.maxFields = maxFields;
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
        Map<String, FragmentDefinition> fragments = parameters.getExecutionContext().getFragmentsByName();
        if (passed.containsKey(operation) || introspectionOnly(operation.getSelectionSet(), fragments, new HashMap<>())) {
            return null; // no context needed
        }
        // graphql-java's complexity visits each fragment once, however many times it is spread: a fragment spread under
        // 140 aliases counted as one. Every field is counted here as many times as it runs (for lists, once).
        long fields = maxFields > 0 ? expandedFields(operation.getSelectionSet(), fragments, new HashMap<>(), maxFields) : 0;
        if (fields > maxFields && maxFields > 0) {
            throw new AbortExecutionException("maximum query complexity exceeded: more than " + maxFields
                    + " fields, fragments counted each time they are spread");
        }
        // A field under a list runs once per item: 290 aliases of one field under a page of 100 streams were 582 "fields"
        // and 29,000 runs (or several MB of answer). Counted per item as the list's size argument allows, up to MAX_VALUES.
        graphql.execution.ExecutionContext ec = parameters.getExecutionContext();
        PerItem perItem = new PerItem(ec.getGraphQLSchema(), fragments, ec.getCoercedVariables().toMap());
        long values = perItem.values(operation.getSelectionSet(), switch (operation.getOperation()) {
            case MUTATION -> ec.getGraphQLSchema().getMutationType();
            case SUBSCRIPTION -> ec.getGraphQLSchema().getSubscriptionType();
            default -> ec.getGraphQLSchema().getQueryType();
        }, new HashMap<>());
        if (values > MAX_VALUES) {
            throw new AbortExecutionException("maximum query size exceeded: more than " + MAX_VALUES
                    + " field values, a field under a list counted once per item its first, last or days allows");
        }
        InstrumentationContext<ExecutionResult> context = limits.beginExecuteOperation(parameters, state); // throws when over
        String query = parameters.getExecutionContext().getExecutionInput().getQuery();
        if (query != null && query.indexOf('@') < 0 && !perItem.sizedByVariables) {
            passed.put(operation, Boolean.TRUE);
        }
        return context;
    }

    /**
     * The fields an operation runs, each fragment expanded wherever it is spread (lists counted once), up to {@code cap + 1}.
     * Each fragment is counted once and remembered ({@code memo}), so a fragment spread twice in each of forty others
     * costs forty steps, not 2^40.
     */
    static long expandedFields(SelectionSet selections, Map<String, FragmentDefinition> fragments, Map<String, Long> memo, long cap) {
        if (selections == null) {
            return 0;
        }
        long n = 0;
        for (Selection<?> selection : selections.getSelections()) {
            long more = 0;
            if (selection instanceof Field field) {
                more = 1 + expandedFields(field.getSelectionSet(), fragments, memo, cap);
            } else if (selection instanceof InlineFragment inline) {
                more = expandedFields(inline.getSelectionSet(), fragments, memo, cap);
            } else if (selection instanceof FragmentSpread spread) {
                Long known = memo.get(spread.getName());
                if (known == null) {
                    // (validation refused fragment cycles before this runs)
                    FragmentDefinition fragment = fragments.get(spread.getName());
                    known = fragment == null ? 0 : expandedFields(fragment.getSelectionSet(), fragments, memo, cap);
                    memo.put(spread.getName(), known);
                }
                more = known;
            }
            n = Math.min(cap + 1, n + more);
        }
        return n;
    }

    /** The most field values one operation may answer, each field under a list counted once per item (README: limits). */
    static final long MAX_VALUES = 10_000;

    /** The arguments that size a list: its page ({@code first}, {@code last}) or its days. */
    private static final List<String> SIZES = List.of("first", "last", "days");

    /**
     * The field values an operation answers at most: a field with a size ({@link #SIZES}, as an argument or in its input
     * object) counts its selections once per item it may return ({@link #size}); a list at the root without one as a full
     * page; nested lists without one are a fixed few (a payout's transitions, a card's prices) and count once. Fragments
     * are worked out once each, as in {@link #expandedFields}. Stops counting past {@link #MAX_VALUES}.
     */
    static final class PerItem {
        private final graphql.schema.GraphQLSchema schema;
        private final Map<String, FragmentDefinition> fragments;
        private final Map<String, Object> variables;
        /** A size came from a variable: the count holds for these variables only, so the operation is not remembered. */
        boolean sizedByVariables;

        PerItem(graphql.schema.GraphQLSchema schema, Map<String, FragmentDefinition> fragments, Map<String, Object> variables) {
            this.schema = schema;
            this.fragments = fragments;
            this.variables = variables;
        }

        long values(SelectionSet selections, graphql.schema.GraphQLType parent, Map<String, Long> memo) {
            if (selections == null) {
                return 0;
            }
            long n = 0;
            for (Selection<?> selection : selections.getSelections()) {
                long more = 0;
                if (selection instanceof Field field) {
                    graphql.schema.GraphQLFieldDefinition definition = parent instanceof graphql.schema.GraphQLFieldsContainer container
                            && !field.getName().startsWith("__") ? container.getFieldDefinition(field.getName()) : null;
                    graphql.schema.GraphQLType type = definition == null ? null : graphql.schema.GraphQLTypeUtil.unwrapAll(definition.getType());
                    long below = values(field.getSelectionSet(), type, memo);
                    boolean root = parent != null && (parent == schema.getQueryType() || parent == schema.getSubscriptionType());
                    more = 1 + Math.min(MAX_VALUES + 1, below * size(field, definition, root));
                } else if (selection instanceof InlineFragment inline) {
                    more = values(inline.getSelectionSet(), inline.getTypeCondition() == null ? parent
                            : schema.getType(inline.getTypeCondition().getName()), memo);
                } else if (selection instanceof FragmentSpread spread) {
                    Long known = memo.get(spread.getName());
                    if (known == null) {
                        FragmentDefinition fragment = fragments.get(spread.getName());
                        known = fragment == null ? 0 : values(fragment.getSelectionSet(), schema.getType(fragment.getTypeCondition().getName()), memo);
                        memo.put(spread.getName(), known);
                    }
                    more = known;
                }
                n = Math.min(MAX_VALUES + 1, n + more);
            }
            return n;
        }

        /**
         * How many items the field may return: its size argument's value (or its default), given on the field or inside its
         * input object ({@code leaderboard(input: {first})}), a page's at most {@link Page#MAX_PAGE_SIZE} items as the
         * resolvers clamp it; a list at the root without one (a stream's goals, the catalogue) counts as a full page;
         * anything else 1.
         */
        private long size(Field field, graphql.schema.GraphQLFieldDefinition definition, boolean root) {
            if (definition == null) {
                return 1;
            }
            for (graphql.schema.GraphQLArgument argument : definition.getArguments()) {
                graphql.language.Argument given = field.getArguments().stream().filter(a -> a.getName().equals(argument.getName()))
                        .findFirst().orElse(null);
                if (SIZES.contains(argument.getName())) {
                    Object value = given == null ? null : valueOf(given.getValue());
                    return clamp(argument.getName(), value != null ? value
                            : argument.hasSetDefaultValue() ? literal(argument.getArgumentDefaultValue().getValue()) : null);
                }
                if (graphql.schema.GraphQLTypeUtil.unwrapAll(argument.getType()) instanceof graphql.schema.GraphQLInputObjectType input) {
                    for (String name : SIZES) {
                        graphql.schema.GraphQLInputObjectField sizeField = input.getField(name);
                        if (sizeField != null) {
                            Object value = given == null ? null : fieldOf(given.getValue(), name);
                            return clamp(name, value != null ? value
                                    : sizeField.hasSetDefaultValue() ? literal(sizeField.getInputFieldDefaultValue().getValue()) : null);
                        }
                    }
                }
            }
            return root && graphql.schema.GraphQLTypeUtil.isList(graphql.schema.GraphQLTypeUtil.unwrapNonNull(definition.getType()))
                    ? Page.MAX_PAGE_SIZE : 1;
        }

        /** A size argument's value: as written, or its variable's (then the count holds for these variables only). */
        private Object valueOf(graphql.language.Value<?> value) {
            if (value instanceof graphql.language.VariableReference variable) {
                sizedByVariables = true;
                return variables.get(variable.getName());
            }
            return literal(value);
        }

        /** The field {@code name} of an input object, as written or from its variable. */
        private Object fieldOf(graphql.language.Value<?> value, String name) {
            if (value instanceof graphql.language.ObjectValue object) {
                return object.getObjectFields().stream().filter(f -> f.getName().equals(name)).findFirst().map(f -> valueOf(f.getValue()))
                        .orElse(null);
            }
            if (value instanceof graphql.language.VariableReference variable) {
                sizedByVariables = true;
                return variables.get(variable.getName()) instanceof Map<?, ?> input ? input.get(name) : null;
            }
            return null;
        }

        private static Object literal(Object value) {
            return value instanceof graphql.language.IntValue literal ? literal.getValue() : value;
        }

        private static long clamp(String name, Object given) {
            long items = given instanceof Number n ? n.longValue() : Page.DEFAULT_PAGE_SIZE;
            // (a page counts at most MAX_PAGE_SIZE items: a reconciliation run's differences, an admin's, take up to 1,000,
            // of about a dozen values each, and count as 100, so the console's one read of them passes)
            return Math.max(1, Math.min(items, name.equals("days") ? 366 : Page.MAX_PAGE_SIZE));
        }
    }

    /**
     * Every root selection is an introspection field (through fragments too); an empty selection is not. Each fragment is
     * decided once ({@code memo}): a fragment spread twice in each of forty others is forty steps, not 2^40.
     */
    static boolean introspectionOnly(SelectionSet selections, Map<String, FragmentDefinition> fragments, Map<String, Boolean> memo) {
        if (selections == null || selections.getSelections().isEmpty()) {
            return false;
        }
        for (Selection<?> selection : selections.getSelections()) {
            boolean introspection;
            if (selection instanceof Field field) {
                introspection = field.getName().startsWith("__");
            } else if (selection instanceof InlineFragment inline) {
                introspection = introspectionOnly(inline.getSelectionSet(), fragments, memo);
            } else if (selection instanceof FragmentSpread spread && fragments.containsKey(spread.getName())) {
                // a fragment that spreads itself is invalid and refused by validation before this runs
                Boolean known = memo.get(spread.getName());
                if (known == null) {
                    known = introspectionOnly(fragments.get(spread.getName()).getSelectionSet(), fragments, memo);
                    memo.put(spread.getName(), known);
                }
                introspection = known;
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
