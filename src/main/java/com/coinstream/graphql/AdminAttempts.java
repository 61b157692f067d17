package com.coinstream.graphql;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;

import org.eclipse.microprofile.graphql.GraphQLApi;
import org.eclipse.microprofile.graphql.Mutation;
import org.jboss.logging.Logger;

import com.coinstream.audit.AdminAuditLog;
import com.coinstream.identity.Caller;
import com.coinstream.identity.Role;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import graphql.language.ArrayValue;
import graphql.language.BooleanValue;
import graphql.language.Document;
import graphql.language.EnumValue;
import graphql.language.Field;
import graphql.language.FloatValue;
import graphql.language.IntValue;
import graphql.language.ObjectValue;
import graphql.language.OperationDefinition;
import graphql.language.Selection;
import graphql.language.StringValue;
import graphql.language.Value;
import graphql.language.VariableReference;
import graphql.parser.Parser;
import io.quarkus.arc.Arc;
import io.quarkus.arc.Unremovable;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Admin mutations a request named but whose resolver never ran, because the request was refused first: a value that is
 * not of its type (a variable or a literal), a document that does not validate, a token that fails verification. They
 * are audited as refused here, with the code the client got, so that every attempt at an admin operation is in the log
 * whatever stopped it ({@link AdminActionInterceptor} records the ones that reached their resolver).
 */
@ApplicationScoped
@Unremovable // looked up by ErrorPolicy, which is not a bean
public class AdminAttempts {
    private static final Logger LOG = Logger.getLogger(AdminAttempts.class);
    private static final int MAX_DOCUMENT = 200_000;
    /** The most refused admin operations one request records (each named once, whatever its aliases). */
    static final int MAX_RECORDS = 10;

    private final AdminAuditLog log;
    private final ObjectMapper json;
    private volatile Map<String, AdminAction> actions;

    private final String defaultRegion;

    public AdminAttempts(AdminAuditLog log, ObjectMapper json, com.coinstream.identity.CallerDefaults defaults) {
        this.log = log;
        this.json = json;
        this.defaultRegion = defaults.region();
    }

    /**
     * The admin mutations a GraphQL request names (a POST's JSON body, or a WebSocket subscribe message's payload: its
     * {@code query}, {@code operationName} and {@code variables} as read), recorded as refused with {@code code} before
     * anything ran it: a request refused for its shape (its variables not an object, a mutation sent over a WebSocket) is
     * an attempt all the same. Nothing when it names none, or holds no document; never a failure of its own.
     */
    public Uni<Void> refusedRequest(Object query, Object operationName, Object variables, Optional<Caller> who, String code) {
        if (!(query instanceof String document)) {
            return Uni.createFrom().voidItem();
        }
        Map<String, Object> given = new HashMap<>();
        if (variables instanceof Map<?, ?> map) {
            map.forEach((k, v) -> given.put(String.valueOf(k), v));
        } else if (variables instanceof JsonNode node && node.isObject()) {
            given.putAll(json.convertValue(node, Map.class));
        } else if (variables instanceof io.vertx.core.json.JsonObject object) {
            given.putAll(object.getMap());
        }
        String name = operationName instanceof String n ? n : operationName instanceof JsonNode n && n.isTextual() ? n.asText() : null;
        // (a name that is no GraphQL name, refused for it, chose none of the document's operations: each is counted)
        if (name != null && !name.matches("[_A-Za-z][_0-9A-Za-z]*")) {
            name = null;
        }
        String chosen = name;
        return Uni.createFrom().deferred(() -> refusedBefore(document, chosen, given, who, Set.of(), code))
                .onFailure().invoke(e -> LOG.errorf(e, "a refused admin attempt could not be audited")).onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    /** Who sent a request over HTTP or a WebSocket, from its verified token (empty: none). */
    public Optional<Caller> who(io.vertx.ext.web.RoutingContext rc) {
        if (rc.user() instanceof io.quarkus.vertx.http.runtime.security.QuarkusHttpUser user && user.getSecurityIdentity() != null
                && user.getSecurityIdentity().getPrincipal() instanceof org.eclipse.microprofile.jwt.JsonWebToken token
                && token.getSubject() != null && !token.getSubject().isBlank()) {
            try {
                return Optional.of(Caller.from(token, defaultRegion));
            } catch (RuntimeException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /**
     * Record each admin mutation of {@code query} that did not reach its resolver ({@code reached} names those that did),
     * as refused with {@code code}, for {@code who} (empty: no valid token).
     */
    public Uni<Void> refusedBefore(String query, String operationName, Map<String, Object> variables, Optional<Caller> who,
            Set<String> reached, String code) {
        List<Field> named = adminFields(query, operationName);
        if (named.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        // one record per admin operation and arguments named, however many aliases repeat them, and at most MAX_RECORDS a
        // request: a refused request cannot multiply itself into the log; each record is built when it is written
        List<Uni<Void>> records = new ArrayList<>();
        Set<String> recorded = new java.util.HashSet<>();
        for (Field field : named) {
            AdminAction action = actions().get(field.getName());
            if (reached.contains(field.getName()) || (action.adminCallersOnly() && !who.map(c -> c.hasRole(Role.ADMIN)).orElse(false))
                    || recorded.size() >= MAX_RECORDS || !recorded.add(field.getName() + field.getArguments().stream()
                            .map(a -> a.getName() + ":" + graphql.language.AstPrinter.printAst(a.getValue()))
                            .collect(java.util.stream.Collectors.joining(",", "(", ")")))) {
                continue;
            }
            records.add(Uni.createFrom().deferred(() -> {
                ObjectNode input = JsonNodeFactory.instance.objectNode();
                field.getArguments().forEach(a -> input.set(a.getName(), tree(a.getValue(), variables)));
                JsonNode first = input.size() == 1 ? input.elements().next() : input;
                return log.attempt(AdminActionInterceptor.draftOfUncheckedInput(json, action.value().isEmpty() ? field.getName() : action.value(),
                        who, first.isObject() ? first : input), AdminAuditLog.REFUSED, code);
            }));
        }
        return records.isEmpty() ? Uni.createFrom().voidItem()
                : Multi.createFrom().iterable(records).onItem().transformToUniAndConcatenate(u -> u).collect().last().replaceWithVoid()
                        .onFailure().invoke(e -> LOG.errorf(e, "a refused admin attempt could not be audited"))
                        .onFailure().recoverWithNull();
    }

    /** The admin mutations (fields of the chosen mutation operation) named by {@code query}; empty when it does not parse. */
    List<Field> adminFields(String query, String operationName) {
        if (query == null || query.length() > MAX_DOCUMENT || !query.contains("mutation")) {
            return List.of();
        }
        Document document;
        try {
            document = Parser.parse(query);
        } catch (RuntimeException e) {
            return List.of();
        }
        List<Field> fields = new ArrayList<>();
        for (OperationDefinition op : document.getDefinitionsOfType(OperationDefinition.class)) {
            boolean chosen = operationName == null || operationName.isBlank() || operationName.equals(op.getName());
            if (chosen && op.getOperation() == OperationDefinition.Operation.MUTATION) {
                collect(op.getSelectionSet(), document, fields, new java.util.HashSet<>());
            }
        }
        return fields;
    }

    /** The admin mutations of a selection set, those inside its fragments (inline or named) included. */
    private void collect(graphql.language.SelectionSet set, Document document, List<Field> fields, java.util.Set<String> spread) {
        if (set == null) {
            return;
        }
        for (Selection<?> s : set.getSelections()) {
            if (s instanceof Field f && actions().containsKey(f.getName())) {
                fields.add(f);
            } else if (s instanceof graphql.language.InlineFragment inline) {
                collect(inline.getSelectionSet(), document, fields, spread);
            } else if (s instanceof graphql.language.FragmentSpread named && spread.add(named.getName())) {
                for (graphql.language.FragmentDefinition d : document.getDefinitionsOfType(graphql.language.FragmentDefinition.class)) {
                    if (d.getName().equals(named.getName())) {
                        collect(d.getSelectionSet(), document, fields, spread);
                    }
                }
            }
        }
    }

    private Map<String, AdminAction> actions() {
        if (actions == null) {
            Map<String, AdminAction> found = new HashMap<>();
            for (var bean : Arc.container().beanManager().getBeans(Object.class, Any.Literal.INSTANCE)) {
                if (bean.getBeanClass().isAnnotationPresent(GraphQLApi.class)) {
                    for (Method m : bean.getBeanClass().getMethods()) {
                        if (m.isAnnotationPresent(AdminAction.class) && m.isAnnotationPresent(Mutation.class)) {
                            String name = m.getAnnotation(Mutation.class).value();
                            found.put(name.isEmpty() ? m.getName() : name, m.getAnnotation(AdminAction.class));
                        }
                    }
                }
            }
            actions = Map.copyOf(found);
        }
        return actions;
    }

    private JsonNode tree(Value<?> value, Map<String, Object> variables) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (value instanceof VariableReference v) {
            return variables == null ? f.nullNode() : json.valueToTree(variables.get(v.getName()));
        }
        if (value instanceof StringValue s) {
            return f.textNode(s.getValue());
        }
        if (value instanceof IntValue i) {
            return f.numberNode(i.getValue());
        }
        if (value instanceof FloatValue d) {
            return f.numberNode(d.getValue());
        }
        if (value instanceof BooleanValue b) {
            return f.booleanNode(b.isValue());
        }
        if (value instanceof EnumValue e) {
            return f.textNode(e.getName());
        }
        if (value instanceof ArrayValue a) {
            ArrayNode array = f.arrayNode();
            a.getValues().forEach(item -> array.add(tree(item, variables)));
            return array;
        }
        if (value instanceof ObjectValue o) {
            ObjectNode object = f.objectNode();
            o.getObjectFields().forEach(field -> object.set(field.getName(), tree(field.getValue(), variables)));
            return object;
        }
        return f.nullNode();
    }
}
