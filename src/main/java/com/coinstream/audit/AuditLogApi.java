package com.coinstream.audit;

import java.time.Instant;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.GraphQLApi;
import org.eclipse.microprofile.graphql.Id;
import org.eclipse.microprofile.graphql.Input;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Query;
import org.eclipse.microprofile.graphql.Type;

import com.coinstream.domain.Page;
import com.coinstream.domain.PageInfo;
import com.coinstream.graphql.ApiSecurity;
import com.coinstream.graphql.Payloads;
import com.coinstream.identity.Role;

import io.smallrye.mutiny.Uni;

/** The admin audit log, for admins only. */
@GraphQLApi
@ApiSecurity
public class AuditLogApi {
    private final AdminAuditLog log;

    public AuditLogApi(AdminAuditLog log) {
        this.log = log;
    }

    public enum AuditOutcome {
        DONE, REFUSED, FAILED
    }

    @Query("auditLog")
    @Description("Admin: every admin mutation, done or refused, newest first: who, what, when, on what target, why, and the input (secrets redacted). The log is append-only.")
    @RolesAllowed(Role.ADMIN)
    public Uni<@NonNull AuditLogConnection> auditLog(Integer first, String after, AuditLogFilter filter) {
        AdminAuditLog.Filter f = filter == null ? null
                : new AdminAuditLog.Filter(filter.actorId, filter.action, filter.targetId,
                        filter.outcome == null ? null : filter.outcome.name(), filter.from, filter.to);
        return Payloads.guarded(() -> {
            if (f != null) {
                com.coinstream.domain.Times.requireOrdered(f.from(), f.to(), "filter", "from");
            }
            return log.page(first, after, f);
        }).map(AuditLogConnection::of);
    }

    @Input("AuditLogFilter")
    public static class AuditLogFilter {
        @Id
        public String actorId;
        @Description("An operation name, e.g. grantCoins.")
        public String action;
        @Id
        public String targetId;
        public AuditOutcome outcome;
        @Description("At or after this time.")
        public Instant from;
        @Description("Before this time.")
        public Instant to;
    }

    @Type("AuditRecord")
    public record AuditRecordView(@NonNull @Id String id, @NonNull Instant at, @Id @Description("Null when the caller had no valid token.") String actorId,
            @NonNull List<@NonNull String> actorRoles, @NonNull String action, String targetType, @Id String targetId, String reason,
            @NonNull @Description("The input as JSON text, secrets and tokens redacted.") String input, @NonNull AuditOutcome outcome,
            @Description("Why it was refused.") String errorCode,
            @Description("The target's state just before the action ran, as JSON text (null: the action created it, or it had no target). A person's state is their hold, erasure and balances; secrets never appear.") String before,
            @Description("The target's state as the action's own transaction left it, as JSON text (DONE records only).") String after) {
        static AuditRecordView of(AdminAuditLog.Entry e) {
            return new AuditRecordView(e.id(), e.at(), e.actorId(), e.actorRoles(), e.action(), e.targetType(), e.targetId(), e.reason(),
                    e.input(), AuditOutcome.valueOf(e.outcome()), e.errorCode(), e.before(), e.after());
        }
    }

    @Type("AuditLogConnection")
    public record AuditLogConnection(@NonNull List<@NonNull Edge> edges, @NonNull List<@NonNull AuditRecordView> nodes,
            @NonNull PageInfo pageInfo) {
        static AuditLogConnection of(Page<AdminAuditLog.Entry> page) {
            Page<AuditRecordView> views = page.map(AuditRecordView::of);
            return new AuditLogConnection(views.edges(Edge::new), views.nodes(), views.pageInfo());
        }
    }

    @Type("AuditLogEdge")
    public record Edge(@NonNull String cursor, @NonNull AuditRecordView node) {
    }
}
