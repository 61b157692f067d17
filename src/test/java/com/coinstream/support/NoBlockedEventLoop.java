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
                String line;
                while ((line = file.readLine()) != null) {
                    String text = new String(line.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
                    if (text.contains(WARNING) && text.contains("vert.x-eventloop-thread")) {
                        found.add(log.getFileName() + ": " + text);
                    }
                }
            }
        }
        if (!found.isEmpty()) {
            throw new AssertionError("an event loop was blocked while " + context.getDisplayName() + " ran:\n" + String.join("\n", found));
        }
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
