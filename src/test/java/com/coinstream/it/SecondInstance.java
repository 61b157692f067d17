package com.coinstream.it;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Another process of the packaged app on the same database: what a second replica is in production. */
public final class SecondInstance implements AutoCloseable {
    private final Process process;
    public final int port;

    private SecondInstance(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    public static SecondInstance start(int port) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dquarkus.http.port=" + port, "-jar", "target/quarkus-app/quarkus-run.jar"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(new File("target/second-instance.log"));
        builder.environment().putAll(ProdApp.environment());
        SecondInstance instance = new SecondInstance(builder.start(), port);
        HttpClient http = HttpClient.newHttpClient();
        for (int i = 0; i < 120; i++) {
            try {
                var r = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return instance;
                }
            } catch (java.io.IOException notYet) {
                // still starting
            }
            if (!instance.process.isAlive()) {
                throw new IllegalStateException("second instance exited; see target/second-instance.log");
            }
            Thread.sleep(250);
        }
        instance.close();
        throw new IllegalStateException("second instance did not become ready");
    }

    @Override
    public void close() {
        process.destroy();
    }
}
