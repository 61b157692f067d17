package com.coinstream;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The structure the code keeps, checked on the compiled classes and the sources (plain reflection over class
 * files: a class that uses another names it in its constant pool).
 */
@Tag("fast")
class ArchitectureTest {
    static final Path CLASSES = Path.of("target/classes/com/coinstream");
    static final Path SOURCES = Path.of("src/main");
    static final Pattern LEDGER_WRITE = Pattern.compile(
            "insert\\s+into\\s+(posting|journal_entry|account_balance)\\b|update\\s+account_balance\\b", Pattern.CASE_INSENSITIVE);

    @Test
    void onlyApiResolversAndTheGraphqlLayerDependOnTheGraphqlLayer() throws IOException {
        List<String> offenders = classes().filter(c -> !c.startsWith("graphql/"))
                .filter(c -> mentions(c, "com/coinstream/graphql/"))
                .filter(c -> !topLevel(c).endsWith("Api") && !topLevel(c).endsWith("Resource")) // the edges: GraphQL and REST
                .toList();
        assertTrue(offenders.isEmpty(), "services, stores and the ledger must not depend on the GraphQL layer: " + offenders);
    }

    @Test
    void onlyTheLedgerWritesPostingsEntriesAndBalances() throws IOException {
        try (Stream<Path> files = Files.walk(SOURCES)) {
            List<Path> offenders = files.filter(Files::isRegularFile)
                    .filter(p -> !p.toString().contains("com/coinstream/ledger/") && !p.toString().contains("db/migration"))
                    .filter(p -> LEDGER_WRITE.matcher(read(p)).find()).toList();
            assertTrue(offenders.isEmpty(), "only ledger/ may write posting, journal_entry and account_balance: " + offenders);
        }
    }

    /**
     * The day's spend on a wallet row (V43) is written by the spend batch's debit alone, under the sender's owner lock:
     * the gift batch reads it before the debit and hands the earlier day to spend_day on that reading, so a second
     * writer would lose a day or count one twice.
     */
    @Test
    void onlyTheSpendBatchWritesTheDaysSpendOnTheWalletRow() throws IOException {
        Pattern assignment = Pattern.compile("\\bspent_(on|coins)\\s*=(?!=)", Pattern.CASE_INSENSITIVE);
        try (Stream<Path> files = Files.walk(SOURCES)) {
            List<Path> offenders = files.filter(Files::isRegularFile)
                    .filter(p -> !p.endsWith(Path.of("com/coinstream/ledger/spend-batch.sql")) && !p.toString().contains("db/migration"))
                    .filter(p -> assignment.matcher(read(p)).find()).toList();
            assertTrue(offenders.isEmpty(), "only the spend batch's debit may write spent_on and spent_coins: " + offenders);
        }
    }

    @Test
    void settingsAreReadThroughConfigMappingsAndBeansAreConstructorInjected() throws IOException {
        List<String> properties = classes().filter(c -> mentions(c, "Lorg/eclipse/microprofile/config/inject/ConfigProperty;")).toList();
        assertTrue(properties.isEmpty(), "settings are read through a @ConfigMapping interface, not @ConfigProperty: " + properties);
        List<String> fields = classes().filter(c -> mentions(c, "Ljakarta/inject/Inject;")).toList();
        assertTrue(fields.isEmpty(), "constructor injection only (no @Inject): " + fields);
    }

    static Stream<String> classes() throws IOException {
        return Files.walk(CLASSES).filter(p -> p.toString().endsWith(".class")).map(p -> CLASSES.relativize(p).toString());
    }

    static boolean mentions(String classFile, String name) {
        try {
            return new String(Files.readAllBytes(CLASSES.resolve(classFile)), StandardCharsets.ISO_8859_1).contains(name);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String topLevel(String classFile) {
        String name = classFile.substring(classFile.lastIndexOf('/') + 1).replace(".class", "");
        int inner = name.indexOf('$');
        return inner < 0 ? name : name.substring(0, inner);
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "";
        }
    }
}
