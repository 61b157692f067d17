package com.coinstream.graphql;

import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.Priority;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;

import org.eclipse.microprofile.graphql.DefaultValue;
import org.eclipse.microprofile.graphql.Id;
import org.eclipse.microprofile.graphql.Ignore;
import org.eclipse.microprofile.graphql.Input;
import org.eclipse.microprofile.graphql.Name;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Source;

import com.coinstream.domain.ErrorCode;
import com.coinstream.domain.Refusal;
import com.coinstream.domain.Text;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * The one input gate (README "Input rules"): every argument of every operation and field resolver is checked here,
 * after the caller is authorized and before the service is called. The type rules (whole numbers, the DateTime window,
 * IDs) are the scalars' own ({@link StrictScalars}); here every text is checked to be valid Unicode without control
 * characters ({@link Text#encodingProblem}), and then against the rules its field declares:
 * {@link PersonText}, {@link Range}, {@link MaxItems}, {@link AtLeastOne}, with a default for every String ({@value #DEFAULT_MAX_LENGTH}
 * characters, one line) and list ({@value #DEFAULT_MAX_ITEMS} distinct items) that declares nothing, so a new field is
 * covered the day it is added.
 * <p>
 * A refusal is INVALID_INPUT with the path of the offending field: in the payload's userErrors for a mutation, else a
 * top-level error (BAD_USER_INPUT, {@link ErrorPolicy}).
 */
@ApiSecurity
@Interceptor
@Priority(Interceptor.Priority.PLATFORM_BEFORE + 190)
public class InputGate {
    static final int DEFAULT_MAX_LENGTH = 255;
    static final int DEFAULT_MAX_ITEMS = 100;
    private static final Map<Method, Operation> OPERATIONS = new ConcurrentHashMap<>();
    private static final Map<Class<?>, Optional<Rule>> INPUTS = new ConcurrentHashMap<>();
    private static final TextRule DEFAULT_TEXT = new TextRule(0, DEFAULT_MAX_LENGTH, false);

    private final Payloads payloads;

    public InputGate(Payloads payloads) {
        this.payloads = payloads;
    }

    @AroundInvoke
    Object check(InvocationContext ctx) throws Exception {
        Operation operation = OPERATIONS.computeIfAbsent(ctx.getMethod(), Operation::of);
        Refusal refusal = operation.check(ctx.getParameters());
        return refusal == null ? ctx.proceed() : operation.refuse(refusal, payloads);
    }

    /** What a value must be: null when it may be anything its type allows. */
    sealed interface Rule permits TextRule, RangeRule, ListRule, ObjectRule, DefaultedRule {
        /** The refusal of {@code value} at {@code path}, or null. */
        Refusal check(Object value, List<String> path);
    }

    record TextRule(int min, int max, boolean multiline) implements Rule {
        @Override
        public Refusal check(Object value, List<String> path) {
            if (!(value instanceof String s)) {
                return null;
            }
            String problem = Text.encodingProblem(s);
            if (problem == null) {
                problem = Text.personTextProblem(s, min, max, multiline);
            }
            return problem == null ? null : refusal(path, problem);
        }
    }

    record RangeRule(long min, long max) implements Rule {
        @Override
        public Refusal check(Object value, List<String> path) {
            if (!(value instanceof Number n)) {
                return null;
            }
            BigInteger v = n instanceof BigInteger b ? b : BigInteger.valueOf(n.longValue());
            if (v.compareTo(BigInteger.valueOf(min)) < 0 || v.compareTo(BigInteger.valueOf(max)) > 0) {
                return refusal(path, "must be between " + min + " and " + max);
            }
            return null;
        }
    }

    record ListRule(int maxItems, boolean distinct, Rule items) implements Rule {
        @Override
        public Refusal check(Object value, List<String> path) {
            if (!(value instanceof Collection<?> list)) {
                return null;
            }
            if (list.size() > maxItems) {
                return refusal(path, "has " + list.size() + " items; at most " + maxItems + " are allowed");
            }
            if (distinct && new HashSet<>(list).size() != list.size()) {
                return refusal(path, "lists the same value more than once");
            }
            if (items != null) {
                int i = 0;
                for (Object item : list) {
                    Refusal r = items.check(item, append(path, Integer.toString(i++)));
                    if (r != null) {
                        return r;
                    }
                }
            }
            return null;
        }
    }

    /**
     * An argument or input field with a default: leaving it out gives the default, and an explicit null is refused (the
     * services never see a null where the schema promised a value).
     */
    record DefaultedRule(String defaultValue, Rule value) implements Rule {
        @Override
        public Refusal check(Object v, List<String> path) {
            if (v == null) {
                return refusal(path, "must not be null: leave it out for its default (" + defaultValue + ")");
            }
            return value == null ? null : value.check(v, path);
        }
    }

    /** {@code rule}, and no null when {@code on} declares a default. */
    static Rule defaulted(AnnotatedElement on, Rule rule) {
        DefaultValue d = on.getAnnotation(DefaultValue.class);
        return d == null ? rule : new DefaultedRule(d.value(), rule);
    }

    record Field(String name, java.lang.reflect.Field field, Rule rule) {
    }

    /** {@code oneOf}: the fields of which at least one must be given ({@link AtLeastOne}), empty when any may be left out. */
    record ObjectRule(List<Field> fields, List<java.lang.reflect.Field> oneOf) implements Rule {
        @Override
        public Refusal check(Object value, List<String> path) {
            if (value == null) {
                return null;
            }
            if (!oneOf.isEmpty() && oneOf.stream().allMatch(f -> {
                try {
                    Object v = f.get(value);
                    return v == null || v instanceof Collection<?> c && c.isEmpty()
                            && !Arrays.asList(value.getClass().getAnnotation(AtLeastOne.class).emptyIsAChange()).contains(schemaName(f));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            })) {
                return new Refusal(ErrorCode.INVALID_INPUT, "Name at least one of " + String.join(", ", value.getClass().getAnnotation(AtLeastOne.class).value())
                        + ": this input changes nothing", path.toArray(String[]::new));
            }
            for (Field f : fields) {
                Object v;
                try {
                    v = f.field().get(value);
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
                Refusal r = f.rule().check(v, append(path, f.name()));
                if (r != null) {
                    return r;
                }
            }
            return null;
        }
    }

    /** The rules of one operation's (or field resolver's) arguments, and how it answers a refusal. */
    record Operation(String[] names, Rule[] rules, Constructor<?> payload, int userErrorsIndex, Class<?> returns) {
        static Operation of(Method method) {
            Parameter[] parameters = method.getParameters();
            String[] names = new String[parameters.length];
            Rule[] rules = new Rule[parameters.length];
            for (int i = 0; i < parameters.length; i++) {
                Parameter p = parameters[i];
                if (!p.isAnnotationPresent(Source.class)) {
                    names[i] = schemaName(p);
                    rules[i] = defaulted(p, rule(p.getParameterizedType(), p, new HashSet<>()));
                }
            }
            Constructor<?> payload = null;
            int userErrors = -1;
            Type returned = method.getGenericReturnType();
            if (returned instanceof ParameterizedType pt && pt.getRawType() == Uni.class && pt.getActualTypeArguments()[0] instanceof Class<?> c
                    && c.isRecord()) {
                RecordComponent[] components = c.getRecordComponents();
                for (int i = 0; i < components.length; i++) {
                    if (components[i].getName().equals("userErrors")) {
                        userErrors = i;
                    }
                }
                boolean othersNullable = Arrays.stream(components).filter(rc -> !rc.getName().equals("userErrors"))
                        .noneMatch(rc -> rc.isAnnotationPresent(NonNull.class) || rc.getType().isPrimitive());
                if (userErrors >= 0 && othersNullable) {
                    try {
                        payload = c.getDeclaredConstructor(Arrays.stream(components).map(RecordComponent::getType).toArray(Class[]::new));
                    } catch (NoSuchMethodException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
            return new Operation(names, rules, payload, userErrors, method.getReturnType());
        }

        Refusal check(Object[] arguments) {
            for (int i = 0; i < rules.length; i++) {
                if (rules[i] != null) {
                    Refusal r = rules[i].check(arguments[i], List.of(names[i]));
                    if (r != null) {
                        return r;
                    }
                }
            }
            return null;
        }

        Object refuse(Refusal refusal, Payloads payloads) throws ReflectiveOperationException {
            if (payload != null) {
                Object[] values = new Object[payload.getParameterCount()];
                values[userErrorsIndex] = List.of(payloads.refused(refusal.error()));
                return Uni.createFrom().item(payload.newInstance(values));
            }
            if (returns == Uni.class) {
                return Uni.createFrom().failure(refusal);
            }
            if (returns == Multi.class) {
                return Multi.createFrom().failure(refusal);
            }
            throw refusal;
        }
    }

    static Rule rule(Type type, AnnotatedElement on, Set<Class<?>> seen) {
        Class<?> raw = type instanceof Class<?> c ? c : type instanceof ParameterizedType pt ? (Class<?>) pt.getRawType() : Object.class;
        if (raw == String.class) {
            if (on.isAnnotationPresent(Id.class) && !on.isAnnotationPresent(PersonText.class)) {
                return null; // an ID: its scalar's own rule (StrictScalars) has checked it
            }
            PersonText t = on.getAnnotation(PersonText.class);
            return t == null ? DEFAULT_TEXT : new TextRule(t.min(), t.max(), t.multiline());
        }
        if (Number.class.isAssignableFrom(raw) || (raw.isPrimitive() && raw != boolean.class)) {
            Range r = on.getAnnotation(Range.class);
            return r == null ? null : new RangeRule(r.min(), r.max());
        }
        if (Collection.class.isAssignableFrom(raw)) {
            Type item = type instanceof ParameterizedType pt ? pt.getActualTypeArguments()[0] : Object.class;
            Class<?> itemClass = item instanceof Class<?> c ? c : Object.class;
            boolean scalar = itemClass == String.class || Number.class.isAssignableFrom(itemClass) || itemClass.isEnum();
            MaxItems max = on.getAnnotation(MaxItems.class);
            return new ListRule(max == null ? DEFAULT_MAX_ITEMS : max.value(), scalar, rule(item, on, seen));
        }
        boolean input = raw.isAnnotationPresent(Input.class) || (raw.getName().startsWith("com.coinstream.") && !raw.isEnum());
        if (input && seen.add(raw)) {
            List<Field> fields = new ArrayList<>();
            for (java.lang.reflect.Field f : raw.getFields()) {
                if (!Modifier.isStatic(f.getModifiers()) && !f.isAnnotationPresent(Ignore.class)) {
                    Rule rule = defaulted(f, rule(f.getGenericType(), f, seen));
                    if (rule != null) {
                        fields.add(new Field(schemaName(f), f, rule));
                    }
                }
            }
            seen.remove(raw);
            List<java.lang.reflect.Field> oneOf = new ArrayList<>();
            AtLeastOne atLeastOne = raw.getAnnotation(AtLeastOne.class);
            for (String name : atLeastOne == null ? new String[0] : atLeastOne.value()) {
                oneOf.add(Arrays.stream(raw.getFields()).filter(f -> name.equals(schemaName(f)))
                        .findFirst().orElseThrow(() -> new IllegalStateException(raw.getName() + " has no field " + name + " (@AtLeastOne)")));
            }
            for (String name : atLeastOne == null ? new String[0] : atLeastOne.emptyIsAChange()) {
                if (!Arrays.asList(atLeastOne.value()).contains(name)) {
                    throw new IllegalStateException(raw.getName() + ": @AtLeastOne's emptyIsAChange names " + name + ", not one of its fields");
                }
            }
            return fields.isEmpty() && oneOf.isEmpty() ? null : new ObjectRule(List.copyOf(fields), List.copyOf(oneOf));
        }
        return null;
    }

    /** The name the schema gives a field or argument: its {@link Name}, else its Java name. */
    private static String schemaName(java.lang.reflect.AnnotatedElement element) {
        Name name = element.getAnnotation(Name.class);
        return name != null ? name.value() : element instanceof Parameter p ? p.getName() : ((java.lang.reflect.Field) element).getName();
    }

    /**
     * The same rules for an input that does not arrive through GraphQL (a REST upload's parameters): the refusal of
     * {@code input}, or null.
     */
    public static Refusal check(Object input) {
        Rule rule = INPUTS.computeIfAbsent(input.getClass(), c -> Optional.ofNullable(rule(c, c, new HashSet<>()))).orElse(null);
        return rule == null ? null : rule.check(input, List.of());
    }

    static Refusal refusal(List<String> path, String problem) {
        String what = path.get(path.size() - 1);
        if (what.chars().allMatch(Character::isDigit) && path.size() > 1) {
            what = path.get(path.size() - 2) + "[" + what + "]";
        }
        return new Refusal(ErrorCode.INVALID_INPUT, what + " " + problem, path.toArray(String[]::new));
    }

    private static List<String> append(List<String> path, String name) {
        List<String> longer = new ArrayList<>(path.size() + 1);
        longer.addAll(path);
        longer.add(name);
        return longer;
    }
}
