package com.coinstream.graphql;

import java.util.HashSet;
import java.util.Set;

import jakarta.enterprise.context.RequestScoped;

import com.coinstream.audit.AuditDraft;
import com.coinstream.domain.UserError;

/** The admin action of the current request, if any, and the business refusal it met. */
@RequestScoped
public class AdminActions {
    private AuditDraft draft;
    private UserError refusal;
    private final Set<String> reached = new HashSet<>();

    void begin(String mutation, AuditDraft draft) {
        this.draft = draft;
        this.refusal = null;
        reached.add(mutation);
    }

    /**
     * No admin action is under way (an annotated field whose caller it does not audit, or one that has answered): a field
     * after it never writes its record. (Mutation fields run one after another, so one draft at a time is this request's.)
     */
    void end() {
        this.draft = null;
        this.refusal = null;
    }

    /** The admin mutations of this request whose resolver ran (their attempts are recorded by the interceptor). */
    Set<String> reached() {
        return Set.copyOf(reached);
    }

    /** The record the service writes in its transaction; null when this request is not an audited admin action. */
    public AuditDraft draft() {
        return draft;
    }

    void refused(UserError error) {
        if (draft != null && refusal == null) {
            refusal = error;
        }
    }

    UserError refusal() {
        return refusal;
    }
}
