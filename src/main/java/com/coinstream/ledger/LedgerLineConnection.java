package com.coinstream.ledger;

import java.util.List;

import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

import com.coinstream.domain.Page;
import com.coinstream.domain.PageInfo;

@Type("LedgerLineConnection")
public record LedgerLineConnection(@NonNull List<@NonNull Edge> edges, @NonNull List<@NonNull LedgerLine> nodes,
        @NonNull PageInfo pageInfo) {

    @Type("LedgerLineEdge")
    public record Edge(@NonNull String cursor, @NonNull LedgerLine node) {
    }

    public static LedgerLineConnection of(Page<LedgerLine> page) {
        return new LedgerLineConnection(page.edges(Edge::new), page.nodes(), page.pageInfo());
    }
}
