package com.coinstream.live;

import java.time.Instant;
import java.util.UUID;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.Id;
import org.eclipse.microprofile.graphql.Ignore;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

import com.coinstream.catalogue.Gift;

@Type("LiveStream")
@Description("A creator's live stream. Gifts can be sent only while it is LIVE.")
public record StreamView(@Ignore UUID uuid, @Ignore long position, @Ignore String creatorId, @Id @NonNull String id,
        @NonNull String title, @NonNull @Description("LIVE or ENDED.") String status, @NonNull Instant startedAt,
        Instant endedAt) {

    public static StreamView of(LiveStream s) {
        return new StreamView(s.id, s.seq == null ? 0 : s.seq, s.creatorId, s.id.toString(), s.title, s.status, s.startedAt,
                s.endedAt);
    }

    @Type("StreamTotals")
    @Description("What a stream has received so far.")
    public record Totals(@Description("Gift events (a combo of 10 counts once).") long gifts, long coins, long diamonds) {
    }
}
