package com.coinstream.graphql;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

import com.coinstream.domain.Text;
import com.coinstream.domain.Times;

import graphql.GraphQLContext;
import graphql.execution.CoercedVariables;
import graphql.language.FloatValue;
import graphql.language.IntValue;
import graphql.language.StringValue;
import graphql.language.Value;
import graphql.schema.Coercing;
import graphql.schema.CoercingParseLiteralException;
import graphql.schema.CoercingParseValueException;
import graphql.schema.CoercingSerializeException;
import graphql.schema.GraphQLScalarType;
import graphql.schema.GraphQLSchema;
import graphql.schema.GraphQLSchemaElement;
import graphql.schema.GraphQLTypeVisitorStub;
import graphql.schema.SchemaTransformer;
import graphql.util.TraversalControl;
import graphql.util.TraverserContext;

/**
 * The type rules of the schema's scalars, kept by their coercion, so that they hold for every argument, whether the
 * client wrote the value in the document or sent it as a variable (README "Input rules"). SmallRye's own scalars accept
 * any JSON number for Int and narrow it later (2^31 failed as INTERNAL, 1.5 became 1), accept any string as DateTime,
 * and any text as String. A value that breaks a rule is a request error with the code BAD_USER_INPUT.
 * <ul>
 * <li>Int: a whole number of 32 bits; BigInteger: a whole number of at most {@value #MAX_DIGITS} digits (digits in a
 * string too), whose range is its field's ({@link Range}, or the service's exact check).</li>
 * <li>ID: 1-{@value #MAX_ID_LENGTH} characters of valid Unicode without control characters (digits too, for an ID written
 * as a number); one that is well formed but
 * names nothing answers NOT_FOUND where it is used. (String
 * keeps graphql-java's own scalar, which the introspection fields share; its text rules are the {@link InputGate}'s.)</li>
 * <li>DateTime: an ISO-8601 instant from {@link Times#EARLIEST} to {@link Times#LATEST}.</li>
 * </ul>
 */
final class StrictScalars {
    static final int MAX_ID_LENGTH = 255;
    /** BigInteger arguments are range-checked exactly by their fields (coins, diamonds...); this only bounds the work. */
    static final int MAX_DIGITS = 40;
    private static final BigInteger BIG = BigInteger.TEN.pow(MAX_DIGITS);
    private static final Map<String, UnaryOperator<Object>> RULES = Map.of(
            "Int", StrictScalars::int32,
            "BigInteger", StrictScalars::integer,
            "ID", StrictScalars::id,
            "DateTime", StrictScalars::instant);

    private StrictScalars() {
    }

    private static GraphQLSchema transformedFrom;
    private static GraphQLSchema transformed;

    /**
     * {@code schema} with the scalars named above checking their rules before their own coercion. Made once per schema:
     * SmallRye may build its GraphQL engine on two first requests at once, and two transformations of one schema at
     * once share (and rewire) its unchanged parts, which left types that no longer matched their own variables.
     */
    static synchronized GraphQLSchema apply(GraphQLSchema schema) {
        if (schema != transformedFrom) {
            transformed = transform(schema);
            transformedFrom = schema;
        }
        return transformed;
    }

    private static GraphQLSchema transform(GraphQLSchema schema) {
        return SchemaTransformer.transformSchema(schema, new GraphQLTypeVisitorStub() {
            @Override
            public TraversalControl visitGraphQLScalarType(GraphQLScalarType node, TraverserContext<GraphQLSchemaElement> context) {
                UnaryOperator<Object> rule = RULES.get(node.getName());
                if (rule == null || node.getCoercing() instanceof Checked) {
                    return TraversalControl.CONTINUE;
                }
                return changeNode(context, node.transform(b -> b.coercing(new Checked(node.getCoercing(), rule))));
            }
        });
    }

    /** A scalar's own coercion, with its rule checked first on every input (variables and literals). */
    @SuppressWarnings({ "rawtypes", "unchecked" })
    record Checked(Coercing delegate, UnaryOperator<Object> rule) implements Coercing<Object, Object> {
        @Override
        public Object serialize(Object result, GraphQLContext context, Locale locale) throws CoercingSerializeException {
            return delegate.serialize(result, context, locale);
        }

        @Override
        public Object parseValue(Object input, GraphQLContext context, Locale locale) {
            try {
                return delegate.parseValue(rule.apply(input), context, locale);
            } catch (InvalidValue e) {
                throw CoercingParseValueException.newCoercingParseValueException().message(e.getMessage())
                        .extensions(Map.of("code", "BAD_USER_INPUT")).build();
            }
        }

        @Override
        public Object parseLiteral(Value<?> input, CoercedVariables variables, GraphQLContext context, Locale locale) {
            try {
                rule.apply(literal(input));
            } catch (InvalidValue e) {
                throw CoercingParseLiteralException.newCoercingParseLiteralException().message(e.getMessage())
                        .extensions(Map.of("code", "BAD_USER_INPUT")).build();
            }
            return delegate.parseLiteral(input, variables, context, locale);
        }

        @Override
        public Value valueToLiteral(Object input, GraphQLContext context, Locale locale) {
            return delegate.valueToLiteral(input, context, locale);
        }

        private static Object literal(Value<?> input) {
            if (input instanceof IntValue i) {
                return i.getValue();
            }
            if (input instanceof FloatValue f) {
                return f.getValue();
            }
            if (input instanceof StringValue s) {
                return s.getValue();
            }
            return input;
        }
    }

    static Object int32(Object value) {
        BigInteger whole = whole(value, "Int");
        if (whole.bitLength() > 31) {
            throw new InvalidValue("an Int must be between -2147483648 and 2147483647");
        }
        return whole.intValue();
    }

    private static final java.util.regex.Pattern DIGITS = java.util.regex.Pattern.compile("-?\\d{1,40}");

    static Object integer(Object value) {
        if (value instanceof String s && DIGITS.matcher(s.strip()).matches()) {
            value = new BigInteger(s.strip());
        }
        BigInteger whole = whole(value, "BigInteger");
        if (whole.abs().compareTo(BIG) >= 0) {
            throw new InvalidValue("a BigInteger has at most " + MAX_DIGITS + " digits");
        }
        return whole;
    }

    /** A whole number written as one: digits, no fraction, no exponent (1.0 and 1e3 are refused too). */
    private static BigInteger whole(Object value, String type) {
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            return BigInteger.valueOf(((Number) value).longValue());
        }
        if (value instanceof BigInteger b) {
            return b;
        }
        if (value instanceof BigDecimal d && d.scale() == 0) {
            return d.toBigIntegerExact();
        }
        if (value instanceof Number) {
            throw new InvalidValue("a " + type + " must be a whole number written without a fraction or exponent");
        }
        throw new InvalidValue("a " + type + " must be a whole number");
    }

    static Object id(Object value) {
        if (value instanceof BigInteger b && (b.bitLength() > 4 * MAX_ID_LENGTH || b.toString().length() > MAX_ID_LENGTH)) {
            // an ID written as a number (a literal of any length, or a JSON number): the same 1-255 characters
            throw new InvalidValue("an ID is 1-" + MAX_ID_LENGTH + " characters");
        }
        if (value instanceof String s) {
            if (s.isEmpty() || s.length() > MAX_ID_LENGTH) {
                throw new InvalidValue("an ID is 1-" + MAX_ID_LENGTH + " characters");
            }
            String problem = Text.encodingProblem(s);
            if (problem != null || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0 || s.indexOf('\t') >= 0) {
                throw new InvalidValue("an ID " + (problem == null ? "is one line without tabs" : problem));
            }
        }
        return value;
    }

    static Object instant(Object value) {
        if (!(value instanceof String s)) {
            throw new InvalidValue("a DateTime is an ISO-8601 instant such as \"2026-11-01T00:00:00Z\"");
        }
        Instant at;
        try {
            at = DateTimeFormatter.ISO_INSTANT.parse(s, Instant::from);
        } catch (DateTimeParseException e) {
            throw new InvalidValue("a DateTime is an ISO-8601 instant such as \"2026-11-01T00:00:00Z\"");
        }
        if (!Times.inWindow(at)) {
            throw new InvalidValue("a DateTime must be from " + Times.EARLIEST + " to " + Times.LATEST);
        }
        return value;
    }

    /** A value that breaks its scalar's rule; the message says which. */
    static final class InvalidValue extends RuntimeException {
        InvalidValue(String message) {
            super(message, null, false, false);
        }
    }
}
