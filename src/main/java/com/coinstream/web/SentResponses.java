package com.coinstream.web;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.coinstream.db.ExportsConfig;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;

/**
 * When the answer of the current HTTP request has left this process: its response ended and every byte handed to the
 * operating system (nothing left in the connection's outbound buffer; on HTTP/2, once it is written to the connection,
 * since a stream's flow control is out of sight), or its connection closed. Work whose answer is large (a personal data export) keeps its places until then, so
 * a client that never reads, or reads a trickle, cannot leave any number of such answers waiting in the server's memory.
 * A written answer of which its client takes less than {@link #MIN_BYTES_PER_TWO_STALLS} in twice the export stall
 * timeout (COINSTREAM_EXPORT_STALL_TIMEOUT), or that is not gone after COINSTREAM_EXPORT_MAX_DURATION, ends its
 * connection (an HTTP/2 stream is reset), as a stalled CSV download does.
 */
@ApplicationScoped
public class SentResponses {
    private static final Logger LOG = Logger.getLogger(SentResponses.class);
    /** How often a connection's outbound buffer is looked at. */
    static final long CHECK_MILLIS = 100;
    /** The fewest bytes a client must take of a written answer in any two stall timeouts in a row (as a CSV's 500 rows). */
    public static final long MIN_BYTES_PER_TWO_STALLS = 64 * 1024;
    private final CurrentVertxRequest requests;
    private final Duration stall;
    private final Duration longest;

    public SentResponses(CurrentVertxRequest requests, ExportsConfig exports) {
        this.requests = requests;
        this.stall = exports.stallTimeout();
        this.longest = exports.maxDuration();
    }

    /**
     * For the current request: a consumer that runs each release it is given once the answer has left (see above), all
     * of them watched together. Call it on the request's own thread, before the work starts. Without an HTTP request of
     * its own (a test's direct call, or a query sent over a WebSocket, whose frames the WebSocket bounds: MAX_BEHIND),
     * each release runs at once.
     */
    public Consumer<Runnable> ofCurrentRequest() {
        RoutingContext rc = requests.getCurrent();
        if (rc == null || "websocket".equalsIgnoreCase(rc.request().getHeader("Upgrade"))) {
            return Runnable::run;
        }
        if (!(rc.request().connection() instanceof io.vertx.core.net.impl.ConnectionBase connection) || connection.channel() == null) {
            return Runnable::run;
        }
        Watch watch = new Watch(rc, connection);
        // (registered now, on the request's own thread, before the work starts: the response may end in the same task that
        // hands over the releases, before the watch starts)
        rc.addBodyEndHandler(v -> connection.channel().eventLoop().execute(watch::ended));
        return watch::add;
    }

    /** One request's answer, watched on its channel's own event loop until it has left; then its releases run. */
    private final class Watch {
        private final RoutingContext rc;
        private final io.vertx.core.net.impl.ConnectionBase connection;
        private final Channel channel;
        private final boolean http2;
        private final List<Runnable> releases = new ArrayList<>();
        private boolean started;
        private volatile boolean done;
        private long since;
        private long checkpointAt;
        private long checkpointPending = -1;
        private ScheduledFuture<?> checks;
        private final ChannelFutureListener closed = f -> finish();

        /** The response has ended (its body-end handler ran); looked at by the event loop only. */
        private boolean responseEnded;

        Watch(RoutingContext rc, io.vertx.core.net.impl.ConnectionBase connection) {
            this.rc = rc;
            this.connection = connection;
            this.channel = connection.channel();
            this.http2 = rc.request().version() == HttpVersion.HTTP_2;
        }

        void add(Runnable release) {
            boolean now;
            synchronized (this) {
                now = done;
                if (!done) {
                    releases.add(release);
                    if (!started) {
                        started = true;
                        channel.eventLoop().execute(this::start);
                    }
                }
            }
            if (now) {
                release.run();
            }
        }

        private void start() {
            since = System.nanoTime();
            checks = channel.eventLoop().scheduleAtFixedRate(this::check, CHECK_MILLIS, CHECK_MILLIS, TimeUnit.MILLISECONDS);
            channel.closeFuture().addListener(closed); // (runs at once, finishing, on a channel closed already)
            if (responseEnded) {
                flushed();
            }
            check();
        }

        private void check() {
            try {
                look();
            } catch (RuntimeException e) {
                // (a periodic task that throws is never run again: the places would stay taken until the connection closed)
                LOG.warnf("an answer's watch failed, its places are given back: %s", e.toString());
                finish();
            }
        }

        private void look() {
            if (done) {
                return;
            }
            if (!channel.isActive()) {
                finish();
                return;
            }
            long now = System.nanoTime();
            boolean ended = rc.response().ended();
            long pending;
            if (http2) {
                pending = 0; // (a stream's bytes wait in its flow control, out of sight: given back once the answer is written)
            } else {
                io.netty.channel.ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
                pending = buffer == null ? 0 : buffer.totalPendingWriteBytes();
            }
            if (ended && pending == 0) {
                finish();
            } else if (now - since > longest.toNanos()) {
                end("is not gone after " + longest, pending);
            } else if (ended && !http2) {
                if (checkpointPending < 0 || checkpointPending - pending >= MIN_BYTES_PER_TWO_STALLS) {
                    checkpointAt = now;
                    checkpointPending = pending;
                } else if (now - checkpointAt > 2 * stall.toNanos()) {
                    end("was read at less than " + MIN_BYTES_PER_TWO_STALLS + " bytes in twice " + stall, pending);
                }
            }
        }

        /**
         * The response has ended: its last bytes are on their way through the connection's pipeline. A flush queued behind
         * them through the whole pipeline (every handler keeps the order of what it is given) completes once they are all
         * handed to the operating system, before its client can have read them and asked again (a person's next export
         * must not find their place still taken).
         */
        void ended() {
            responseEnded = true;
            if (checks != null) { // (started on this event loop: else start() flushes once it runs)
                flushed();
            }
        }

        private void flushed() {
            if (done || http2 || !channel.isActive()) {
                check();
                return;
            }
            connection.flush(channel.newPromise().addListener(written -> finish()));
        }

        private void end(String why, long pending) {
            LOG.infof("an answer %s (%d bytes still unread): its connection is closed", why, pending);
            if (http2) {
                rc.response().reset();
            } else {
                channel.close();
            }
            finish();
        }

        private void finish() {
            List<Runnable> due;
            synchronized (this) {
                if (done) {
                    return;
                }
                done = true;
                due = List.copyOf(releases);
            }
            if (checks != null) {
                checks.cancel(false);
            }
            channel.closeFuture().removeListener(closed);
            due.forEach(Runnable::run);
        }
    }
}
