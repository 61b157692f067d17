package com.coinstream.graphql;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import jakarta.annotation.Priority;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;

import org.jboss.logging.Logger;

import com.coinstream.audit.AdminAuditLog;
import com.coinstream.audit.AuditDraft;
import com.coinstream.domain.Refusal;
import com.coinstream.domain.Text;
import com.coinstream.identity.Caller;
import com.coinstream.identity.CurrentCaller;
import com.coinstream.identity.Role;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import io.smallrye.mutiny.Uni;

/**
 * Records every attempt at an admin mutation. Runs outside the security check (so a FORBIDDEN attempt is recorded
 * too). A done action was recorded by its service in the action's transaction; a refusal (userErrors or an error)
 * is recorded here after its transaction rolled back.
 */
@AdminAction
@Interceptor
@Priority(Interceptor.Priority.PLATFORM_BEFORE + 50)
public class AdminActionInterceptor {
    private static final Logger LOG = Logger.getLogger(AdminActionInterceptor.class);
    private static final Pattern SECRET_KEY = Pattern.compile("(?i).*(secret|token|password|authorization|credential).*");
    /** A person's own free text, which the log (kept after an erasure, for the books) has no need of: a webhook's description. */
    private static final Pattern FREE_TEXT_KEY = Pattern.compile("(?i)description");
    /**
     * The input field naming an action's target, and its kind, the first present in this order. (A creator an admin subscribes for is the target of an
     * attempt refused before the subscription exists: an erasure then hides the attempt's words from the log, as it
     * does for every record about them.)
     */
    private static final List<Map.Entry<String, String>> TARGETS = List.of(Map.entry("userId", "user"), Map.entry("purchaseId", "purchase"),
            Map.entry("payoutId", "payout"), Map.entry("payoutAccountId", "payoutAccount"), Map.entry("giftId", "gift"),
            Map.entry("packageId", "coinPackage"), Map.entry("streamId", "stream"), Map.entry("subscriptionId", "webhookSubscription"),
            Map.entry("requestId", "erasureRequest"), Map.entry("creatorId", "user"));
    static final String REDACTED = "[redacted]";

    private final CurrentCaller caller;
    private final AdminActions actions;
    private final AdminAuditLog log;
    private final ObjectMapper json;

    public AdminActionInterceptor(CurrentCaller caller, AdminActions actions, AdminAuditLog log, ObjectMapper json) {
        this.caller = caller;
        this.actions = actions;
        this.log = log;
        this.json = json;
    }

    /** The most UTF-16 units of a target id, and of an input's key, that the log keeps. */
    static final int MAX_TARGET = 255;
    static final int MAX_KEY = 100;

    @AroundInvoke
    Object record(InvocationContext ctx) throws Exception {
        AdminAction action = ctx.getMethod().getAnnotation(AdminAction.class);
        Optional<Caller> who = whoIsCalling();
        if (action.adminCallersOnly() && !who.map(c -> c.hasRole(Role.ADMIN)).orElse(false)) {
            // (not audited for this caller: no record is written, not even one an earlier field of the request left)
            actions.end();
            return ctx.proceed();
        }
        String name = action.value().isEmpty() ? ctx.getMethod().getName() : action.value();
        // someone who is not an admin (no token at all, say) is refused, and their input has passed no input gate yet: it is
        // kept as a made-up input is, its field names and size past MAX_RECORDED_INPUT (the log is kept for good)
        boolean admin = who.map(c -> c.hasRole(Role.ADMIN)).orElse(false);
        AuditDraft draft = draft(json, name, who, ctx.getParameters().length == 0 ? null : ctx.getParameters()[0], !admin);
        // the target's state just before the action runs (its record's "before"; services that lock read it again under their
        // lock), for a signed-in caller only: an anonymous one is refused anyway and makes the service read nothing
        Uni<String> before = who.isPresent() ? log.stateOf(draft).onFailure().recoverWithNull() : Uni.createFrom().nullItem();
        Uni<?> result = before.flatMap(state -> {
            draft.before(state);
            actions.begin(name, draft);
            try {
                return (Uni<?>) ctx.proceed();
            } catch (Exception e) {
                return Uni.createFrom().failure(e);
            }
        });
        return result.onItemOrFailure().call((item, failure) -> {
            // (the action has answered: a later field of the request never sees its draft)
            com.coinstream.domain.UserError refused = actions.refusal();
            actions.end();
            if (failure != null) {
                return afterTheFact(draft, failed(draft, failure));
            }
            if (refused != null) {
                return afterTheFact(draft, log.attempt(draft, AdminAuditLog.REFUSED, refused.code().name()));
            }
            if (!draft.recorded() && !draft.replay()) {
                LOG.errorf("admin action %s was not written to the audit log in its transaction; recording it now", draft.action());
                return afterTheFact(draft, log.attempt(draft, AdminAuditLog.DONE, null));
            }
            return Uni.createFrom().voidItem();
        });
    }

    /**
     * A record written after the action answered (a refusal, a failure): if it cannot be written (the database out of
     * reach a moment), the action's own answer stands and the loss is logged; a refusal that changed nothing never becomes
     * INTERNAL, nor a change that committed an error, because its record after the fact failed.
     */
    private static Uni<Void> afterTheFact(AuditDraft draft, Uni<Void> record) {
        return Uni.createFrom().deferred(() -> record).onFailure().recoverWithUni(e -> {
            LOG.errorf("the audit record of admin action %s, written after it answered, was lost: %s", draft.action(), e.toString());
            return Uni.createFrom().voidItem();
        });
    }

    private Uni<Void> failed(AuditDraft draft, Throwable failure) {
        Throwable t = ApiSecurityInterceptor.translate(failure);
        Optional<Refusal> refusal = Payloads.refusalIn(t);
        if (refusal.isPresent()) {
            return log.attempt(draft, AdminAuditLog.REFUSED, refusal.get().code().name());
        }
        io.smallrye.graphql.api.ErrorCode code = t.getClass().getAnnotation(io.smallrye.graphql.api.ErrorCode.class);
        return code != null ? log.attempt(draft, AdminAuditLog.REFUSED, code.value()) : log.attempt(draft, AdminAuditLog.FAILED, "INTERNAL");
    }

    private Optional<Caller> whoIsCalling() {
        try {
            return caller.optional();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The record of an attempt at {@code action} with {@code input} (a Java input object or a JSON tree), redacted. */
    public static AuditDraft draft(ObjectMapper json, String action, Optional<Caller> who, Object input) {
        return draft(json, action, who, input, false);
    }

    /**
     * {@link #draft(ObjectMapper, String, Optional, Object)} for an attempt refused before its input was checked against
     * the schema (AdminAttempts), whose input may be anything the client made up: over {@value #MAX_RECORDED_INPUT}
     * characters, it is kept as its field names and size.
     */
    public static AuditDraft draftOfUncheckedInput(ObjectMapper json, String action, Optional<Caller> who, Object input) {
        return draft(json, action, who, input, true);
    }

    private static AuditDraft draft(ObjectMapper json, String action, Optional<Caller> who, Object input, boolean bounded) {
        JsonNode tree = input == null ? json.createObjectNode() : input instanceof JsonNode node ? node.deepCopy() : json.valueToTree(input);
        String targetType = null;
        String targetId = null;
        for (Map.Entry<String, String> t : TARGETS) {
            JsonNode id = tree.get(t.getKey());
            if (id != null && id.isTextual()) {
                targetType = t.getValue();
                // indexed: one btree entry holds about 2,700 bytes
                // (an id that could not be kept as sent names no target: with U+FFFD in its place it could name a real
                // account, whose records, export included, would then show another's refused attempt; the input keeps it)
                targetId = Text.recordedAsSent(id.asText()) ? AdminAuditLog.canonicalTarget(targetType, Text.forRecord(id.asText(), MAX_TARGET)) : null;
                break;
            }
        }
        redact(tree);
        JsonNode reason = tree.get("reason");
        // (the tree's text is already fit to store: redact() made it so)
        String recorded = tree.toString();
        if (bounded && recorded.length() > MAX_RECORDED_INPUT) {
            // a made-up input (unknown fields, values of no type) that big is kept as its field names and its size: the
            // log is kept for good (an input the schema took is recorded whole, as it was checked)
            ObjectNode cut = json.createObjectNode().put("leftOut", "an input of " + recorded.length() + " characters, over the "
                    + MAX_RECORDED_INPUT + " a record keeps");
            tree.fieldNames().forEachRemaining(k -> { if (cut.size() < 50) cut.putNull(k); });
            recorded = cut.toString();
        }
        return new AuditDraft(who.map(Caller::userId).orElse(null), who.map(Caller::roles).orElse(Set.of()), action, targetType,
                targetId, reason != null && reason.isTextual() ? reason.asText() : null, recorded);
    }

    /** The most characters of a made-up input that the record of an attempt refused before any resolver keeps. */
    static final int MAX_RECORDED_INPUT = 8_192;

    /**
     * Secrets and tokens never reach the log, nor a description (a person's own words); a URL keeps its scheme, host and
     * path (no user info, no query).
     */
    static void redact(JsonNode node) {
        if (node instanceof ObjectNode object) {
            List<String> unfit = new ArrayList<>();
            object.fieldNames().forEachRemaining(k -> {
                if (!k.equals(Text.forRecord(k, MAX_KEY))) {
                    unfit.add(k);
                }
            });
            for (String k : unfit) { // a key the client made up is kept too, as text fit to store
                object.set(Text.forRecord(k, MAX_KEY), object.remove(k));
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> field = it.next();
                if ((SECRET_KEY.matcher(field.getKey()).matches() || FREE_TEXT_KEY.matcher(field.getKey()).matches()) && !field.getValue().isNull()) {
                    field.setValue(TextNode.valueOf(REDACTED));
                } else if (field.getKey().equalsIgnoreCase("url") && field.getValue().isTextual()) {
                    field.setValue(TextNode.valueOf(Text.forRecord(withoutSecrets(field.getValue().asText()))));
                } else if (field.getValue().isTextual()) {
                    field.setValue(TextNode.valueOf(Text.forRecord(field.getValue().asText())));
                } else {
                    redact(field.getValue());
                }
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                if (array.get(i).isTextual()) {
                    array.set(i, TextNode.valueOf(Text.forRecord(array.get(i).asText())));
                } else {
                    redact(array.get(i));
                }
            }
        }
    }

    static String withoutSecrets(String url) {
        try {
            URI u = new URI(url);
            if (u.getHost() == null) {
                return REDACTED;
            }
            return new URI(u.getScheme(), null, u.getHost(), u.getPort(), u.getPath(), null, null).toString();
        } catch (URISyntaxException e) {
            return REDACTED;
        }
    }
}
