package com.coinstream.shipping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * The JVM options the benchmark measures (bench/run.sh) are the ones an operator gets: the container image's default
 * and the README's run command set the same memory, GC and AppCDS options (peak RSS is a target measured with them).
 */
class JvmOptionsTest {
    private static final Pattern BENCH = Pattern.compile("JAVA_OPTS=\\$\\{JAVA_OPTS:-\"([^\"]+)\"}");
    private static final Pattern IMAGE = Pattern.compile("ENV JAVA_OPTS_APPEND=\"([^\"]+)\"");
    private static final Pattern README = Pattern.compile("MALLOC_ARENA_MAX=2 java ((?:[^\\n]|\\\\\\n)+?) -jar quarkus-run\\.jar");

    @Test
    void imageReadmeAndBenchUseTheSameOptions() throws IOException {
        List<String> bench = options(find(BENCH, "bench/run.sh"));
        List<String> image = options(find(IMAGE, "docker/Dockerfile.jvm"));
        List<String> readme = options(find(README, "README.md").replace("\\\n", " "));
        assertTrue(bench.stream().anyMatch(o -> o.startsWith("-Xmx")), "the bench caps the heap: " + bench);
        assertEquals(bench, image, "docker/Dockerfile.jvm sets what bench/run.sh measures");
        assertEquals(bench, readme, "README's run command sets what bench/run.sh measures");
        String dockerfile = Files.readString(Path.of("docker/Dockerfile.jvm"));
        assertTrue(dockerfile.contains("ENV MALLOC_ARENA_MAX=2"), "the image limits malloc arenas as the bench does");
        assertTrue(dockerfile.contains("-XX:ArchiveClassesAtExit=/deployments/app-cds.jsa"), "the image writes its AppCDS archive");
    }

    /** The options, with the AppCDS archive's path and the image's logging manager left out (they differ by place). */
    private static List<String> options(String line) {
        return Arrays.stream(line.trim().split("\\s+"))
                .map(o -> o.startsWith("-XX:SharedArchiveFile=") ? "-XX:SharedArchiveFile" : o)
                .filter(o -> !o.startsWith("-Djava.util.logging.manager="))
                .toList();
    }

    private static String find(Pattern pattern, String file) throws IOException {
        Matcher m = pattern.matcher(Files.readString(Path.of(file)));
        assertTrue(m.find(), "no JVM options found in " + file);
        return m.group(1);
    }
}
