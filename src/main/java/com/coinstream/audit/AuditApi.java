package com.coinstream.audit;

import jakarta.annotation.security.RolesAllowed;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.GraphQLApi;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Query;

import com.coinstream.graphql.ApiSecurity;
import com.coinstream.identity.Role;
import com.coinstream.ledger.LedgerAudit;

import io.smallrye.mutiny.Uni;

@GraphQLApi
@ApiSecurity
public class AuditApi {
    private final RecordsAudit audit;

    public AuditApi(RecordsAudit audit) {
        this.audit = audit;
    }

    @Query("ledgerAudit")
    @Description("Admin: reconcile the whole ledger. Every asset must sum to zero, every entry must balance, every stored balance must equal the sum of its postings, and every gift, purchase, reversal, payout and day's spend must agree with its entries.")
    @RolesAllowed(Role.ADMIN)
    public Uni<@NonNull LedgerAudit> ledgerAudit() {
        return audit.audit();
    }
}
