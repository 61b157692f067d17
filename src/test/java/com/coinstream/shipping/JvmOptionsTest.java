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
 * and the README's run commands set the same memory and GC options (peak RSS is a target measured with them). What
 * differs by JVM is left out of the comparison: the start-up cache (AppCDS on 17, the AOT cache on 25) and JDK 25's
 * compact object headers.
 */
class JvmOptionsTest {
    private static final Pattern BENCH = Pattern.compile("JAVA_OPTS=\\$\\{JAVA_OPTS:-\"([^\"]+)\"}");
    private static final Pattern IMAGE = Pattern.compile("ENV JVM_OPTIONS=\"([^\"]+)\"");
    private static final Pattern README_AOT = Pattern.compile("MALLOC_ARENA_MAX=2 \\$JAVA25 ((?:[^\\n]|\\\\\\n)+?) -jar quarkus-run\\.jar");
    private static final Pattern README = Pattern.compile("MALLOC_ARENA_MAX=2 java ((?:[^\\n]|\\\\\\n)+?) -jar quarkus-run\\.jar");

    @Test
    void imageReadmeAndBenchUseTheSameOptions() throws IOException {
        List<String> bench = options(find(BENCH, "bench/run.sh"));
        List<String> image = options(find(IMAGE, "docker/Dockerfile.jvm"));
        List<String> readme = options(find(README, "README.md").replace("\\\n", " "));
        List<String> readmeAot = options(find(README_AOT, "README.md").replace("\\\n", " "));
        assertTrue(bench.stream().anyMatch(o -> o.startsWith("-Xmx")), "the bench caps the heap: " + bench);
        assertEquals(bench, image, "docker/Dockerfile.jvm sets what bench/run.sh measures");
        assertEquals(bench, readme, "README's run command sets what bench/run.sh measures");
        assertEquals(bench, readmeAot, "README's JDK 25 run command sets what bench/run.sh measures");
        assertTrue(find(README_AOT, "README.md").contains("-XX:AOTCache=app.aot"), "README's JDK 25 command starts from the AOT cache");
        String dockerfile = Files.readString(Path.of("docker/Dockerfile.jvm"));
        assertTrue(dockerfile.contains("ENV MALLOC_ARENA_MAX=2"), "the image limits malloc arenas as the bench does");
        assertTrue(dockerfile.contains("RUN java $JVM_OPTIONS -XX:AOTCacheOutput=/deployments/app.aot"),
                "the image writes its AOT cache with the options it runs with");
        assertTrue(dockerfile.contains("ENV JAVA_OPTS=\"-XX:AOTCache=/deployments/app.aot ${JVM_OPTIONS}\""), "the image starts from it");
    }

    /** The options, without the start-up cache, JDK 25's object headers and the image's logging manager (they differ by JVM or place). */
    private static List<String> options(String line) {
        return Arrays.stream(line.trim().split("\\s+"))
                .filter(o -> !o.startsWith("-XX:SharedArchiveFile=") && !o.startsWith("-XX:AOTCache=") && !o.equals("-XX:+UseCompactObjectHeaders"))
                .filter(o -> !o.startsWith("-Djava.util.logging.manager="))
                .toList();
    }

    private static String find(Pattern pattern, String file) throws IOException {
        Matcher m = pattern.matcher(Files.readString(Path.of(file)));
        assertTrue(m.find(), "no JVM options found in " + file);
        return m.group(1);
    }
}
