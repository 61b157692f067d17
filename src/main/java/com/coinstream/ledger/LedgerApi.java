package com.coinstream.ledger;

import jakarta.annotation.security.RolesAllowed;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.GraphQLApi;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Query;

import com.coinstream.identity.Role;

import com.coinstream.api.ApiSecurity;
import io.smallrye.mutiny.Uni;

@GraphQLApi
@ApiSecurity
public class LedgerApi {
    private final LedgerAuditor auditor;

    public LedgerApi(LedgerAuditor auditor) {
        this.auditor = auditor;
    }

    @Query("ledgerAudit")
    @Description("Admin: reconcile the whole ledger. Every asset must sum to zero, every entry must balance, and every stored balance must equal the sum of its postings.")
    @RolesAllowed(Role.ADMIN)
    public Uni<@NonNull LedgerAudit> ledgerAudit() {
        return auditor.audit();
    }
}
