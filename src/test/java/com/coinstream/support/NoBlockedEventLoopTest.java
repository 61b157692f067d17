package com.coinstream.support;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** What the suite counts as a blocked event loop: a waiting call of any length, or CPU work past the stall limit. */
@Tag("fast")
class NoBlockedEventLoopTest {
    static String warning(long ms, String frames) {
        return "{\"message\":\"Thread Thread[vert.x-eventloop-thread-1,5,main] has been blocked for " + ms + " ms, time limit is 2000 ms\","
                + "\"exception\":{\"frames\":[" + frames + "]}}";
    }

    @Test
    void aWaitingCallIsBlockingAndColdCodeOnABusyMachineIsNot() {
        String classLoading = "{\"class\":\"java.lang.ClassLoader\",\"method\":\"defineClass1\"},{\"class\":\"graphql.execution.Execution\",\"method\":\"execute\"}";
        String parked = "{\"class\":\"java.util.concurrent.locks.LockSupport\",\"method\":\"park\"},{\"class\":\"io.smallrye.mutiny.operators.uni.UniBlockingAwait\",\"method\":\"await\"}";
        String jdbc = "{\"class\":\"org.postgresql.core.v3.QueryExecutorImpl\",\"method\":\"execute\"}";
        assertFalse(NoBlockedEventLoop.blocking(warning(2149, classLoading)));
        assertTrue(NoBlockedEventLoop.blocking(warning(2100, parked)));
        assertTrue(NoBlockedEventLoop.blocking(warning(2100, jdbc)));
        assertTrue(NoBlockedEventLoop.blocking(warning(5200, classLoading)), "CPU work that long is a defect, contention or not");
        assertTrue(NoBlockedEventLoop.blocking("2026-12-04 WARN [io.vertx.core.impl.BlockedThreadChecker] Thread Thread[vert.x-eventloop-thread-0,5,main] "
                + "has been blocked for 2500 ms\n\tat java.lang.Thread.sleep(Native Method)\n\tat com.coinstream.X.y(X.java:1)"));
    }

    @Test
    void readingAClassFromTheJarIsPartOfLoadingItButAWaitInOurOwnClassInitIsNot() {
        // seen in CI: a just-started second instance, its first request loading graphql-java's validation rules
        String jarRead = "{\"class\":\"java.io.RandomAccessFile\",\"method\":\"readBytes\"},{\"class\":\"java.util.zip.ZipFile$Source\",\"method\":\"readAt\"},"
                + "{\"class\":\"io.quarkus.bootstrap.runner.RunnerClassLoader\",\"method\":\"loadClass\",\"line\":127},"
                + "{\"class\":\"graphql.validation.Validator\",\"method\":\"createRules\"}";
        String ownInit = "{\"class\":\"java.lang.Thread\",\"method\":\"sleep\"},{\"class\":\"com.coinstream.X\",\"method\":\"<clinit>\"},"
                + "{\"class\":\"io.quarkus.bootstrap.runner.RunnerClassLoader\",\"method\":\"loadClass\"}";
        assertFalse(NoBlockedEventLoop.blocking(warning(2949, jarRead)));
        assertTrue(NoBlockedEventLoop.blocking(warning(5100, jarRead)), "past the stall limit it counts, whatever it is");
        assertTrue(NoBlockedEventLoop.blocking(warning(2100, ownInit)));
        assertTrue(NoBlockedEventLoop.blocking("x has been blocked for 2100 ms\n\tat java.net.SocketInputStream.socketRead0(Native Method)\n"
                + "\tat com.coinstream.Y.z(Y.java:3)\n\tat java.lang.ClassLoader.loadClass(ClassLoader.java:1)"));
    }
}
