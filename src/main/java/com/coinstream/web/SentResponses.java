package com.coinstream.web;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.coinstream.db.ExportsConfig;

import io.netty.channel.Channel;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;

/**
 * When the answer of the current HTTP request has left this process: its response ended and every byte handed to the
 * operating system (nothing left in the connection's outbound buffer), or its connection closed. Work whose answer is
 * large (a personal data export) keeps its place until then, so a client that never reads cannot leave any number of
 * such answers waiting in the server's memory; one that takes nothing for the export stall timeout
 * (COINSTREAM_EXPORT_STALL_TIMEOUT) once its answer is written is disconnected, as a stalled CSV download is.
 */
@ApplicationScoped
public class SentResponses {
    private static final Logger LOG = Logger.getLogger(SentResponses.class);
    /** How often a connection's outbound buffer is looked at. */
    static final long CHECK_MILLIS = 250;
    /** The longest an answer may take to be written at all (its response built and ended), however it goes. */
    static final Duration LONGEST_TO_END = Duration.ofMinutes(5);
    private final CurrentVertxRequest requests;
    private final Vertx vertx;
    private final Duration stall;

    public SentResponses(CurrentVertxRequest requests, Vertx vertx, ExportsConfig exports) {
        this.requests = requests;
        this.vertx = vertx;
        this.stall = exports.stallTimeout();
    }

    /**
     * For the current request: a consumer that runs each release it is given once the answer has left (see above). Call
     * it on the request's own thread, before the work starts; with no HTTP request (a test's direct call), each release
     * runs at once.
     */
    public Consumer<Runnable> ofCurrentRequest() {
        RoutingContext rc = requests.getCurrent();
        Channel channel = rc != null && rc.request().connection() instanceof io.vertx.core.net.impl.ConnectionBase c ? c.channel() : null;
        if (channel == null) {
            return Runnable::run;
        }
        return release -> watch(rc, channel, release);
    }

    private void watch(RoutingContext rc, Channel channel, Runnable release) {
        AtomicBoolean done = new AtomicBoolean();
        Runnable once = () -> {
            if (done.compareAndSet(false, true)) {
                release.run();
            }
        };
        channel.closeFuture().addListener(closed -> once.run());
        long started = System.nanoTime();
        long[] progress = { Long.MAX_VALUE, started }; // the fewest bytes pending seen, and when
        vertx.setPeriodic(CHECK_MILLIS, timer -> {
            if (done.get() || !channel.isActive()) {
                vertx.cancelTimer(timer);
                once.run();
                return;
            }
            long now = System.nanoTime();
            io.netty.channel.ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
            long pending = buffer == null ? 0 : buffer.totalPendingWriteBytes();
            boolean ended = rc.response().ended();
            if (ended && pending == 0) {
                vertx.cancelTimer(timer);
                once.run();
            } else if (ended && pending < progress[0]) {
                progress[0] = pending;
                progress[1] = now;
            } else if (ended ? now - progress[1] > stall.toNanos() : now - started > LONGEST_TO_END.toNanos()) {
                LOG.infof("an answer of %d bytes still unread after %s: its connection is closed", pending, ended ? stall : LONGEST_TO_END);
                vertx.cancelTimer(timer);
                channel.close();
                once.run();
            }
        });
    }
}
