package com.coinstream.graphql;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.regex.Pattern;

import com.coinstream.domain.ApiException;
import com.coinstream.domain.Refusal;
import com.coinstream.identity.Caller;
import com.coinstream.identity.CurrentCaller;

import graphql.ErrorClassification;
import graphql.ErrorType;
import graphql.ExecutionResult;
import graphql.ExecutionResultImpl;
import graphql.GraphQL;
import graphql.GraphQLError;
import graphql.GraphqlErrorBuilder;
import graphql.execution.instrumentation.ChainedInstrumentation;
import graphql.execution.instrumentation.Instrumentation;
import graphql.execution.instrumentation.InstrumentationState;
import graphql.execution.instrumentation.SimplePerformantInstrumentation;
import graphql.execution.instrumentation.parameters.InstrumentationExecutionParameters;
import io.quarkus.arc.Arc;
import io.quarkus.arc.ArcContainer;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.graphql.api.ErrorCode;
import io.smallrye.graphql.spi.EventingService;
import io.smallrye.mutiny.Uni;

/**
 * The last word on every GraphQL error a client sees: each gets a stable {@code extensions.code}, and no
 * message carries a Java class name (graphql-java and SmallRye describe some coercion failures with the
 * Java type they were binding to).
 * <p>
 * Hooked in as a SmallRye GraphQL {@link EventingService} (META-INF/services), which is called once when
 * the GraphQL engine is built. The CDI-event route ({@code quarkus.smallrye-graphql.events.enabled})
 * would also fire five CDI events per request and per field, which showed up as 15% of the CPU profile.
 */
@RegisterForReflection(targets = GraphQL.Builder.class, fields = true, methods = false)
public class ErrorPolicy implements EventingService {
    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(ErrorPolicy.class);
    private static final Pattern JAVA_TYPE = Pattern.compile("(?:Unknown Scalar Type \\[)?\\b(?:[a-z_][a-z0-9_]*\\.)+[A-Z][\\w$]*\\]?");
    /** The longest error message a client is answered with, from a library's text (ours are shorter). */
    static final int MAX_MESSAGE = 500;
    /** Where a library's message echoes a raw value: from {@link #RAW_VALUE_START} to the next {@link #RAW_VALUE_END}. */
    private static final String RAW_VALUE_START = "with value '";
    private static final String RAW_VALUE_END = "' is not";
    private static final Pattern INVALID_VARIABLE = Pattern.compile("^(Variable '[^']*') has an invalid value");
    private static final Pattern NULL_FIELD = Pattern.compile("(Field '[^']*'|Variable '[^']*') has coerced Null value");

    /**
     * {@code message} with each echoed raw value ("with value '...' is not") left out, in one pass: a value may be as long
     * as a body, and hold the opening words many times over (a lazy regex tried each of them to the end: seconds of CPU
     * for one request of 256 KB).
     */
    static String withoutRawValues(String message) {
        StringBuilder out = null;
        int from = 0;
        while (true) {
            int start = message.indexOf(RAW_VALUE_START, from);
            int end = start < 0 ? -1 : message.indexOf(RAW_VALUE_END, start + RAW_VALUE_START.length());
            if (end < 0) {
                // (no end after this start: none after any later start either)
                return out == null ? message : out.append(message, from, message.length()).toString();
            }
            out = (out == null ? new StringBuilder(message.length()) : out).append(message, from, start).append("is not");
            from = end + RAW_VALUE_END.length();
        }
    }

    @Override
    public String getConfigKey() {
        return null; // always on
    }

    /**
     * Adds this policy after SmallRye's own instrumentation (depth and complexity limits), keeping it, and
     * {@link DataLoadersInUse} before it.
     */
    @Override
    public GraphQL.Builder beforeGraphQLBuild(GraphQL.Builder builder) {
        builder.schema(StrictScalars.apply((graphql.schema.GraphQLSchema) builderField(builder, "graphQLSchema")));
        Instrumentation existing = (Instrumentation) builderField(builder, "instrumentation");
        List<Instrumentation> chain = new ArrayList<>();
        chain.add(new DataLoadersInUse()); // (first: before anything reads the execution's data loaders)
        if (existing instanceof ChainedInstrumentation chained) {
            // SmallRye's chain: the depth and complexity limits, then its document cache. The limits are
            // kept, in the same place, but checked once per parsed operation (RememberedQueryLimits).
            List<Instrumentation> limits = new ArrayList<>();
            List<Instrumentation> others = new ArrayList<>();
            for (Instrumentation i : chained.getInstrumentations()) {
                (i instanceof graphql.analysis.MaxQueryDepthInstrumentation || i instanceof graphql.analysis.MaxQueryComplexityInstrumentation
                        ? limits : others).add(i);
            }
            if (!limits.isEmpty()) {
                long maxFields = limits.stream().anyMatch(i -> i instanceof graphql.analysis.MaxQueryComplexityInstrumentation)
                        ? org.eclipse.microprofile.config.ConfigProvider.getConfig()
                                .getOptionalValue("quarkus.smallrye-graphql.instrumentation-query-complexity", Long.class).orElse(0L)
                        : 0L;
                chain.add(new RememberedQueryLimits(new ChainedInstrumentation(limits), maxFields));
            }
            chain.addAll(others);
        } else if (existing != null) {
            chain.add(existing);
        }
        chain.add(new Policy());
        return builder.instrumentation(new ChainedInstrumentation(chain));
    }

    private static Object builderField(GraphQL.Builder builder, String name) {
        try {
            Field field = GraphQL.Builder.class.getDeclaredField(name);
            field.setAccessible(true);
            return field.get(builder);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read the GraphQL builder's " + name + " to keep the input rules and query limits", e);
        }
    }

    static final class Policy extends SimplePerformantInstrumentation {
        @Override
        public CompletableFuture<ExecutionResult> instrumentExecutionResult(ExecutionResult result,
                InstrumentationExecutionParameters parameters, InstrumentationState state) {
            if (result.getErrors() == null || result.getErrors().isEmpty()) {
                return CompletableFuture.completedFuture(result);
            }
            if (!result.isDataPresent()) {
                GraphQLOverHttp.requestError();
            }
            List<GraphQLError> errors = new ArrayList<>();
            boolean hasOther = result.getErrors().stream().anyMatch(e -> e.getErrorType() != ErrorType.NullValueInNonNullableField);
            for (GraphQLError error : result.getErrors()) {
                if (hasOther && error.getErrorType() == ErrorType.NullValueInNonNullableField) {
                    continue; // a consequence of the real error, which is reported
                }
                errors.add(clean(error));
            }
            ExecutionResult cleaned = ExecutionResultImpl.newExecutionResult().from(result).errors(errors).build();
            return auditUnreached(parameters, errors).replaceWith(cleaned).subscribeAsCompletionStage();
        }

        /** Admin mutations this request named that were refused before their resolver ran: audited with the client's code. */
        private static Uni<Void> auditUnreached(InstrumentationExecutionParameters parameters, List<GraphQLError> errors) {
            try {
                return unreached(parameters, errors).onFailure().invoke(e -> LOG.error("admin attempts not audited", e)).onFailure()
                        .recoverWithNull();
            } catch (RuntimeException e) {
                LOG.error("admin attempts not audited", e);
                return Uni.createFrom().voidItem();
            }
        }

        private static Uni<Void> unreached(InstrumentationExecutionParameters parameters, List<GraphQLError> errors) {
            ArcContainer arc = Arc.container();
            if (arc == null || !arc.requestContext().isActive() || parameters.getQuery() == null || !parameters.getQuery().contains("mutation")) {
                return Uni.createFrom().voidItem();
            }
            Optional<Caller> who;
            try {
                who = arc.instance(CurrentCaller.class).get().optional();
            } catch (RuntimeException e) {
                who = Optional.empty();
            }
            String code = String.valueOf(errors.get(0).getExtensions() == null ? "BAD_USER_INPUT" : errors.get(0).getExtensions().get("code"));
            return arc.instance(AdminAttempts.class).get().refusedBefore(parameters.getQuery(), parameters.getOperation(),
                    parameters.getVariables(), who, arc.instance(AdminActions.class).get().reached(), code);
        }
    }

    static GraphQLError clean(GraphQLError error) {
        if (error instanceof graphql.ExceptionWhileDataFetching failure) {
            return fromException(failure);
        }
        Map<String, Object> extensions = new LinkedHashMap<>();
        if (error.getExtensions() != null) {
            extensions.putAll(error.getExtensions());
        }
        extensions.remove("classification");
        extensions.putIfAbsent("code", code(error));
        if ("coercing-parse-literal".equals(extensions.get("code")) || "coercing-parse-value".equals(extensions.get("code"))) {
            extensions.put("code", "BAD_USER_INPUT");
        }
        String message = error.getMessage() == null ? "Invalid request" : error.getMessage();
        // (then cut: a library's message may echo what the client sent, at any length, and a long run of "a." overflows the
        // stack of JAVA_TYPE's repeated group)
        message = com.coinstream.domain.Text.forRecord(withoutRawValues(message), MAX_MESSAGE);
        var variable = INVALID_VARIABLE.matcher(message);
        if (variable.find()) {
            // the input rules' own reasons (StrictScalars) are safe to show; a library's may name Java types
            String reason = message.indexOf(':', variable.end()) >= 0 ? message.substring(message.indexOf(':', variable.end()) + 1).strip() : "";
            message = variable.group(1) + " has an invalid value" + (ours(error) && !reason.isEmpty() ? ": " + reason
                    : " for its declared type" + nullHint(message));
        }
        message = JAVA_TYPE.matcher(message).replaceAll("the expected input type");
        if ("BAD_USER_INPUT".equals(extensions.get("code")) && "Internal error".equals(message)) {
            message = "An argument has the wrong type or is out of range";
        }
        return GraphqlErrorBuilder.newError().message(message).locations(error.getLocations())
                .path(error.getPath()).extensions(extensions)
                .errorType(ErrorClassification.errorClassification(String.valueOf(extensions.get("code")))).build();
    }

    /** Whether the error is a refusal by the input rules ({@link StrictScalars}), whose message says what is wrong. */
    private static boolean ours(GraphQLError error) {
        return error.getExtensions() != null && "BAD_USER_INPUT".equals(error.getExtensions().get("code"));
    }

    private static String nullHint(String message) {
        var field = NULL_FIELD.matcher(message);
        return field.find() ? " (" + field.group(1) + " must not be null)" : "";
    }

    /** Errors thrown by resolvers: our own carry a safe message and an @ErrorCode; anything else is masked. */
    private static GraphQLError fromException(graphql.ExceptionWhileDataFetching failure) {
        Throwable t = failure.getException();
        while ((t instanceof CompletionException || t instanceof ExecutionException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        var refusal = Payloads.refusalIn(t);
        if (refusal.isPresent()) {
            return refused(failure, refusal.get());
        }
        String code = "INTERNAL";
        for (Class<?> c = t.getClass(); c != null; c = c.getSuperclass()) {
            ErrorCode annotation = c.getAnnotation(ErrorCode.class);
            if (annotation != null) {
                code = annotation.value();
                break;
            }
        }
        String message = t instanceof ApiException ? t.getMessage() : "Internal error";
        if ("INTERNAL".equals(code) && com.coinstream.db.DatabaseErrors.unreachable(t)) {
            code = "UNAVAILABLE";
            message = com.coinstream.db.DatabaseErrors.UNREACHABLE;
        }
        if ("INTERNAL".equals(code) || "UNAVAILABLE".equals(code)) {
            // The client sees a masked message; the operator gets the cause (no request data is logged).
            LOG.errorf(t, "%s while resolving %s", code, failure.getPath());
        }
        return GraphqlErrorBuilder.newError().message(message).locations(failure.getLocations()).path(failure.getPath())
                .extensions(Map.of("code", code)).errorType(ErrorClassification.errorClassification(code)).build();
    }

    /**
     * A business refusal met by a query or subscription (mutations return theirs in userErrors): the same code at the top
     * level, except that an input refusal is spelled BAD_USER_INPUT there, like every other bad argument.
     */
    private static GraphQLError refused(graphql.ExceptionWhileDataFetching failure, Refusal refusal) {
        String code = topLevelCode(refusal.code());
        Map<String, Object> extensions = new LinkedHashMap<>();
        extensions.put("code", code);
        if (refusal.error().field() != null) {
            extensions.put("field", refusal.error().field());
        }
        return GraphqlErrorBuilder.newError().message(refusal.getMessage()).locations(failure.getLocations()).path(failure.getPath())
                .extensions(extensions).errorType(ErrorClassification.errorClassification(code)).build();
    }

    /** The top-level spelling of a userErrors code. */
    public static String topLevelCode(com.coinstream.domain.ErrorCode code) {
        return code == com.coinstream.domain.ErrorCode.INVALID_INPUT ? "BAD_USER_INPUT" : code.name();
    }

    private static String code(GraphQLError error) {
        ErrorClassification type = error.getErrorType();
        if (type == ErrorType.InvalidSyntax) {
            return "GRAPHQL_PARSE_FAILED";
        }
        if (type == ErrorType.ValidationError) {
            return "GRAPHQL_VALIDATION_FAILED";
        }
        if (type == ErrorType.ExecutionAborted || error instanceof graphql.introspection.GoodFaithIntrospection.BadFaithIntrospectionError) {
            return "QUERY_TOO_COMPLEX";
        }
        String message = String.valueOf(error.getMessage());
        if (message.contains("is not a valid") || message.contains("Can not parse") || message.contains("coerc")) {
            return "BAD_USER_INPUT";
        }
        return "INTERNAL";
    }
}
