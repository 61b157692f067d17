package com.coinstream.support;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails any test class during which a service under test logged a Vert.x blocked-thread warning for an event-loop
 * thread: the event loop never blocks, and this is how the suite knows. Registered for every class
 * (junit-platform.properties); it reads what the services wrote while the class ran: the test profile's log file
 * ({@code target/quarkus-test.log}), the packaged app's ({@code target/quarkus.log}) and every extra instance's
 * ({@code target/second-instance-*.log}).
 */
public class NoBlockedEventLoop implements BeforeAllCallback, AfterAllCallback {
    static final String WARNING = "has been blocked for";
    private final Map<Path, Long> offsets = new HashMap<>();

    @Override
    public void beforeAll(ExtensionContext context) {
        offsets.clear();
        for (Path log : logs()) {
            offsets.put(log, size(log));
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        List<String> found = new ArrayList<>();
        for (Path log : logs()) {
            long from = offsets.getOrDefault(log, 0L);
            if (size(log) < from) {
                from = 0; // the file was started again
            }
            try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
                file.seek(from);
                List<String> lines = new ArrayList<>();
                String line;
                while ((line = file.readLine()) != null) {
                    lines.add(new String(line.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
                }
                for (int i = 0; i < lines.size(); i++) {
                    String text = lines.get(i);
                    if (text.contains(WARNING) && text.contains("vert.x-eventloop-thread")) {
                        // the stack: on the same line (JSON logs) or the lines after it (the test profile's text log)
                        StringBuilder stack = new StringBuilder(text);
                        for (int j = i + 1; j < Math.min(lines.size(), i + 40) && lines.get(j).stripLeading().startsWith("at "); j++) {
                            stack.append('\n').append(lines.get(j));
                        }
                        if (blocking(stack.toString())) {
                            found.add(log.getFileName() + ": " + text);
                        }
                    }
                }
            }
        }
        if (!found.isEmpty()) {
            throw new AssertionError("an event loop was blocked while " + context.getDisplayName() + " ran:\n" + String.join("\n", found));
        }
    }

    /** Frames of a call that waits (I/O, a lock, a sleep): an event loop caught in one of them is blocked, however briefly. */
    static final java.util.regex.Pattern WAITING = java.util.regex.Pattern.compile(
            "park|sleep|\\bwait\\b|Object\\.wait|socketRead|read0|write0|readBytes|writeBytes|FileDispatcher|epollWait|poll0|accept0|connect0|"
                    + "\\.jdbc\\.|postgresql\\.core|CompletableFuture\\.(get|join)|await\\(\\)|awaitUninterruptibly|indefinitely");
    /** CPU work (class loading, JIT-cold code) stalled by a shared 2-core machine is not blocking until it lasts this long. */
    static final long CPU_STALL_LIMIT_MS = 5_000;

    /**
     * A warning that shows the event loop blocked: its stack is in a waiting call, or it lasted past the CPU-stall limit. A
     * busy 2-core machine running two instances, the tests and PostgreSQL can hold a thread doing first-time class loading
     * or cold code for just over Vert.x' 2 s; that is starvation, not a blocking call, and is not counted.
     */
    static boolean blocking(String warningWithStack) {
        java.util.regex.Matcher ms = java.util.regex.Pattern.compile("blocked for (\\d+) ms").matcher(warningWithStack);
        long blockedMs = ms.find() ? Long.parseLong(ms.group(1)) : Long.MAX_VALUE;
        java.util.regex.Matcher waiting = WAITING.matcher(warningWithStack);
        return blockedMs >= CPU_STALL_LIMIT_MS || waiting.find() && !inClassLoading(warningWithStack, waiting.start());
    }

    /** Class loading: the first use of a class reads its bytes from the application's jar; that read is part of loading it. */
    static final java.util.regex.Pattern CLASS_LOADING = java.util.regex.Pattern.compile("ClassLoader\\W+(method\\W+)?loadClass");

    /**
     * Whether the waiting frame at {@code at} is inside class loading: a class loader's loadClass frame comes below it (the
     * stack lists the innermost frame first) with no frame of the application between the two. First-time class loading
     * on a starved machine is the CPU stall above, not a blocking call of ours.
     */
    static boolean inClassLoading(String stack, int at) {
        java.util.regex.Matcher loading = CLASS_LOADING.matcher(stack);
        if (!loading.find(at)) {
            return false;
        }
        String between = stack.substring(at, loading.start());
        return !between.contains("com.coinstream") && !between.contains("com/coinstream");
    }

    private static List<Path> logs() {
        Path target = Path.of("target");
        if (!Files.isDirectory(target)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(target)) {
            return files.filter(p -> {
                String name = p.getFileName().toString();
                return name.equals("quarkus-test.log") || name.equals("quarkus.log") || (name.startsWith("second-instance-") && name.endsWith(".log"));
            }).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static long size(Path log) {
        try {
            return Files.size(log);
        } catch (IOException e) {
            return 0;
        }
    }
}
