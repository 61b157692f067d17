package com.coinstream.shipping;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Every setting an operator can give is in README.md's configuration table: each environment variable the service's
 * configuration reads (application.properties' ${COINSTREAM_...} and ${MP_...} forms), and each variable the compose
 * file passes through. Checked outside-in, as an operator reads them: a variable added without its row fails here.
 */
@Tag("fast")
class ConfigurationDocumentedTest {
    private static final Pattern READ = Pattern.compile("\\$\\{((?:COINSTREAM|MP_JWT)_[A-Z0-9_]+)");
    private static final Pattern ROW = Pattern.compile("^\\| `([A-Z][A-Z0-9_]+)` \\|", Pattern.MULTILINE);

    @Test
    void everyVariableTheServiceReadsHasItsRowInTheReadme() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        String table = readme.substring(readme.indexOf("## Configuration"));
        TreeSet<String> documented = new TreeSet<>();
        Matcher row = ROW.matcher(table);
        while (row.find()) {
            documented.add(row.group(1));
        }
        TreeSet<String> missing = new TreeSet<>();
        for (String file : List.of("src/main/resources/application.properties", "docker/compose.yaml")) {
            Matcher read = READ.matcher(Files.readString(Path.of(file)));
            while (read.find()) {
                String name = read.group(1);
                if (!documented.contains(name) && !table.contains("`" + name + "`")) {
                    missing.add(name + " (" + file + ")");
                }
            }
        }
        assertEquals(new TreeSet<>(), missing, "read but not in README.md's Configuration section");
    }
}
