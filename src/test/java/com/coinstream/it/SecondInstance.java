package com.coinstream.it;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** Another process of the packaged app on the same database: what a second replica is in production. */
public final class SecondInstance implements AutoCloseable {
    private final Process process;
    public final int port;

    private SecondInstance(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    public static SecondInstance start(int port) throws Exception {
        return start(port, Map.of(), Set.of());
    }

    /** Another instance with the operator's environment changed: {@code set} added or replaced, {@code unset} removed. */
    public static SecondInstance start(int port, Map<String, String> set, Set<String> unset) throws Exception {
        return start(port, set, unset, List.of());
    }

    /** Another instance started with {@code jvmOptions} too (the container image's, say). */
    public static SecondInstance start(int port, Map<String, String> set, Set<String> unset, List<String> jvmOptions) throws Exception {
        ProcessBuilder builder = process(port, set, unset, "target/second-instance-" + port + ".log");
        builder.command().addAll(1, jvmOptions);
        SecondInstance instance = new SecondInstance(builder.start(), port);
        HttpClient http = HttpClient.newHttpClient();
        for (int i = 0; i < 120; i++) {
            try {
                var r = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + managementPort(port) + "/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return instance;
                }
            } catch (IOException notYet) {
                // still starting
            }
            if (!instance.process.isAlive()) {
                throw new IllegalStateException("second instance exited; see target/second-instance-" + port + ".log");
            }
            Thread.sleep(250);
        }
        instance.close();
        throw new IllegalStateException("second instance did not become ready");
    }

    /** Each instance's management interface (health, metrics) listens on its API port + 1000. */
    public static int managementPort(int port) {
        return port + 1000;
    }

    /** Starts an instance that must refuse to start; returns what it printed. */
    public static String refusedStart(Map<String, String> set, Set<String> unset) throws Exception {
        Path log = Path.of("target/refused-start.log");
        Process process = process(8098, set, unset, log.toString()).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("the instance started although it should have refused; see " + log);
        }
        return Files.readString(log);
    }

    private static ProcessBuilder process(int port, Map<String, String> set, Set<String> unset, String log) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dquarkus.http.port=" + port, "-jar", "target/quarkus-app/quarkus-run.jar"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(new File(log));
        builder.environment().putAll(ProdApp.environment());
        builder.environment().put("COINSTREAM_MANAGEMENT_PORT", Integer.toString(managementPort(port)));
        builder.environment().putAll(set);
        unset.forEach(builder.environment()::remove);
        return builder;
    }

    /** SIGTERM, as an orchestrator stops a container: true when the process ended within {@code grace}. */
    public boolean terminate(java.time.Duration grace) throws InterruptedException {
        process.destroy();
        return process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
    }

    public long pid() {
        return process.pid();
    }

    /** The process's resident set size in KiB (Linux), or -1. */
    public long residentKib() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** As a crash would: no shutdown, nothing flushed. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    @Override
    public void close() {
        process.destroy();
    }
}
