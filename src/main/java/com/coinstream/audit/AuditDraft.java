package com.coinstream.audit;

import java.util.Set;
import java.util.UUID;

/**
 * One admin action about to happen: who, what, on what, why and the (redacted) input. Built before the action runs;
 * the service that carries it out writes it inside its own transaction ({@link AdminAuditLog#append}), so the record
 * exists exactly when the change does.
 */
public final class AuditDraft {
    private final UUID id = UUID.randomUUID();
    private final String actorId;
    private final Set<String> actorRoles;
    private final String action;
    private final String reason;
    private final String input;
    private volatile String targetType;
    private volatile String targetId;
    private volatile boolean recorded;
    private volatile boolean replay;
    private volatile String before;
    /** The target {@link #before} describes ("type id"). */
    private volatile String beforeOf;

    public AuditDraft(String actorId, Set<String> actorRoles, String action, String targetType, String targetId, String reason,
            String input) {
        this.actorId = actorId;
        this.actorRoles = Set.copyOf(actorRoles);
        this.action = action;
        this.targetType = targetType;
        this.targetId = targetId;
        this.reason = reason;
        this.input = input;
    }

    /** Name the target once the action knows it (an id it created, a version it published). */
    public AuditDraft target(String type, Object id) {
        this.targetType = type;
        this.targetId = id == null ? null : id.toString();
        return this;
    }

    public UUID id() {
        return id;
    }

    public String actorId() {
        return actorId;
    }

    public Set<String> actorRoles() {
        return actorRoles;
    }

    public String action() {
        return action;
    }

    public String targetType() {
        return targetType;
    }

    public String targetId() {
        return targetId;
    }

    public String reason() {
        return reason;
    }

    public String input() {
        return input;
    }

    /**
     * The target's state just before the action ran (JSON text); null when there was no target yet, none was found, or
     * the state read was of another target than the one the action names in the end.
     */
    public String before() {
        return (targetType + " " + targetId).equals(beforeOf) ? before : null;
    }

    /** The state of the current target before the action (read by the interceptor, or by the service under its lock). */
    public void before(String state) {
        this.before = state;
        this.beforeOf = targetType + " " + targetId;
    }

    /** True once the action's transaction wrote the record (it commits or rolls back with the action). */
    public boolean recorded() {
        return recorded;
    }

    void markRecorded() {
        recorded = true;
    }

    /** This call replayed an action already done (same idempotency key, or the same file): it records nothing again. */
    public void markReplay() {
        replay = true;
    }

    public boolean replay() {
        return replay;
    }
}
