package com.coinstream.graphql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;

import org.eclipse.microprofile.graphql.Input;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.coinstream.domain.ErrorCode;
import com.coinstream.domain.Refusal;
import com.coinstream.domain.Text;

/** The input rules, one by one (README "Input rules"): what every argument of every operation is held to. */
@Tag("fast")
class InputRulesTest {

    @Test
    void textIsValidUnicodeWithoutControlCharacters() {
        assertNull(Text.encodingProblem("Rose \uD83C\uDF39 for you\ttoo\nand more"));
        assertNotNull(Text.encodingProblem("a\u0000b"));
        assertNotNull(Text.encodingProblem("bell\u0007"));
        assertNotNull(Text.encodingProblem("del\u007F"));
        assertNotNull(Text.encodingProblem("c1\u0085"));
        assertNotNull(Text.encodingProblem("lone \uD800 high"));
        assertNotNull(Text.encodingProblem("lone \uDC00 low"));
        assertNotNull(Text.encodingProblem("ends high \uD83C"));
        assertNotNull(Text.encodingProblem("nonchar \uFFFF"));
    }

    /** A name from a token is made acceptable, never refused later: every text it yields passes the person-text rules. */
    @Test
    void aNameFromATokenIsCleanedIntoAcceptableText() {
        String family = "\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67";
        assertEquals("Ann Lee", Text.cleanedLine("  Ann\u0000 Lee\u202E\n ", 64));
        assertEquals("ab", Text.cleanedLine("a\uD800b\uFFFF", 64));
        assertEquals("", Text.cleanedLine("\u0007\u001b\u2066", 64));
        String long64 = family.repeat(70);
        String cut = Text.cleanedLine(long64, 64);
        assertEquals(family.repeat(64), cut, "cut between characters, never inside one");
        for (String name : List.of("x".repeat(100), "e" + "\u0301".repeat(500), "\uD83C" + "a".repeat(63) + "\uDF39", "tab\there", family + "\u202Dz")) {
            String clean = Text.cleanedLine(name, 64);
            assertNull(Text.encodingProblem(clean), name);
            assertNull(clean.isEmpty() ? null : Text.personTextProblem(clean, 1, 64, false), name);
        }
    }

    /** PostgreSQL reads a bare offset with POSIX's sign: a fixed offset is passed to it reversed, a region as it is. */
    @Test
    void zonesReachTheDatabaseWithTheSignItReads() {
        assertEquals("-05:30:00", com.coinstream.domain.Times.sqlZone(java.time.ZoneId.of("+05:30")));
        assertEquals("-05:30:00", com.coinstream.domain.Times.sqlZone(java.time.ZoneId.of("UTC+05:30")));
        assertEquals("+03:00:00", com.coinstream.domain.Times.sqlZone(java.time.ZoneId.of("GMT-3")));
        assertEquals("UTC", com.coinstream.domain.Times.sqlZone(java.time.ZoneId.of("Z")));
        assertEquals("Asia/Kolkata", com.coinstream.domain.Times.sqlZone(java.time.ZoneId.of("Asia/Kolkata")));
    }

    @Test
    void aPersonsTextIsCountedAsAPersonCountsCharacters() {
        String family = "\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67"; // one emoji of five code points
        assertEquals(1, Text.length(family, 10));
        assertNull(Text.personTextProblem(family.repeat(80), 1, 80, false));
        assertNotNull(Text.personTextProblem(family.repeat(81), 1, 80, false));
        assertNull(Text.personTextProblem("é".repeat(80), 1, 80, false));
        assertNotNull(Text.personTextProblem("e\u0301".repeat(20) + "\u0301".repeat(1000), 1, 80, false), "unbounded combining marks");
        assertNotNull(Text.personTextProblem("two\nlines", 1, 80, false));
        assertNull(Text.personTextProblem("two\nlines", 1, 80, true));
        assertNotNull(Text.personTextProblem("evil \u202Etxt.exe", 1, 80, false));
        assertNotNull(Text.personTextProblem("   ", 1, 80, false));
        // text that shows nothing is blank too, and a line separator is a second line
        for (String invisible : new String[] { "\u00A0", "\u202F\u2007", "\u200B", "\u2060\uFEFF", "\u3164", "\u200D ", "\u2800", "\uFE0F\u034F",
                "\uDB40\uDD00", "\u180B\u17B4" }) {
            assertNotNull(Text.personTextProblem(invisible, 1, 80, false), invisible.codePoints().mapToObj(Integer::toHexString).toList().toString());
        }
        assertNull(Text.personTextProblem("\uD83D\uDC69\u200D\uD83D\uDC67", 1, 80, false), "an emoji joined by ZWJ shows");
        assertNull(Text.personTextProblem("a\u00A0b", 1, 80, false));
        assertNull(Text.personTextProblem("\u2764\uFE0F", 1, 80, false), "a heart with its emoji selector shows");
        assertNotNull(Text.personTextProblem("a\u2028b", 1, 80, false));
        assertNotNull(Text.personTextProblem("a\u2029b", 1, 80, false));
        // a name from a token is cleaned to the same rules: no line separator, and nothing when it shows nothing
        org.junit.jupiter.api.Assertions.assertEquals("ab", Text.cleanedLine("a\u2028b", 64));
        org.junit.jupiter.api.Assertions.assertEquals("", Text.cleanedLine("\u3164\u200B\u00A0", 64));
        assertNull(Text.personTextProblem("", 0, 80, false));
    }

    @Test
    void wholeNumbersAreWholeAndInRangeWhateverTheirJsonForm() {
        assertEquals(5, StrictScalars.int32(5L));
        assertEquals(2147483647, StrictScalars.int32(new BigInteger("2147483647")));
        for (Object bad : List.of(2147483648L, -2147483649L, new BigDecimal("1.5"), new BigDecimal("1.0"), new BigDecimal("1E+3"), 1.5d, "5", true)) {
            assertThrows(StrictScalars.InvalidValue.class, () -> StrictScalars.int32(bad), String.valueOf(bad));
        }
        assertEquals(new BigInteger("9223372036854775808"), StrictScalars.integer("9223372036854775808"));
        assertEquals(BigInteger.TEN, StrictScalars.integer(new BigDecimal("10")));
        for (Object bad : List.of(new BigDecimal("1.5"), new BigDecimal("1E+3"), 2.0d, "1e3", "ten", BigInteger.TEN.pow(40))) {
            assertThrows(StrictScalars.InvalidValue.class, () -> StrictScalars.integer(bad), String.valueOf(bad));
        }
    }

    @Test
    void datesFallInTheDocumentedWindow() {
        assertEquals("2026-11-01T00:00:00Z", StrictScalars.instant("2026-11-01T00:00:00Z"));
        StrictScalars.instant("2000-01-01T00:00:00Z");
        StrictScalars.instant("2100-01-01T00:00:00Z");
        for (String bad : List.of("1999-12-31T23:59:59Z", "2100-01-01T00:00:00.001Z", "-290000-01-01T00:00:00Z", "+290000-01-01T00:00:00Z",
                "0001-01-01T00:00:00Z", "yesterday", "2026-11-01")) {
            assertThrows(StrictScalars.InvalidValue.class, () -> StrictScalars.instant(bad), bad);
        }
    }

    @Test
    void idsAreBoundedTextOnOneLine() {
        StrictScalars.id("00000000-0000-4000-8000-000000000001");
        StrictScalars.id("' OR 1=1 --"); // well formed: it names nothing, which its field answers with NOT_FOUND
        for (String bad : List.of("", "x".repeat(256), "a\u0000", "a\nb", "\uD800")) {
            assertThrows(StrictScalars.InvalidValue.class, () -> StrictScalars.id(bad), bad);
        }
        StrictScalars.id(new BigInteger("9".repeat(255))); // an ID written as a number: its digits are its characters
        StrictScalars.id(42);
        for (BigInteger bad : List.of(new BigInteger("9".repeat(256)), BigInteger.TEN.pow(60_000))) {
            assertThrows(StrictScalars.InvalidValue.class, () -> StrictScalars.id(bad), bad.bitLength() + " bits");
        }
    }

    @Input("SampleInput")
    public static class SampleInput {
        @PersonText(max = 10)
        public String title;
        public String key;
        @Range(min = 1, max = 99)
        public BigInteger quantity;
        @MaxItems(3)
        public List<String> tags;
    }

    static SampleInput sample() {
        SampleInput s = new SampleInput();
        s.title = "Hello";
        s.key = "k";
        s.quantity = BigInteger.ONE;
        s.tags = List.of("a", "b");
        return s;
    }

    @Test
    void theGateHoldsEveryFieldToItsDeclaredRuleOrTheDefault() {
        assertNull(InputGate.check(sample()));
        SampleInput s = sample();
        s.title = "x".repeat(11);
        assertRefused(InputGate.check(s), "title");
        s = sample();
        s.key = "y".repeat(InputGate.DEFAULT_MAX_LENGTH + 1);
        assertRefused(InputGate.check(s), "key");
        s = sample();
        s.key = "a\u0000";
        assertRefused(InputGate.check(s), "key");
        s = sample();
        s.quantity = BigInteger.valueOf(100);
        assertRefused(InputGate.check(s), "quantity");
        s = sample();
        s.tags = List.of("a", "b", "c", "d");
        assertRefused(InputGate.check(s), "tags");
        s = sample();
        s.tags = List.of("a", "a");
        assertRefused(InputGate.check(s), "tags");
        s = sample();
        s.tags = List.of("a", "b\u0007");
        assertRefused(InputGate.check(s), "tags", "1");
    }

    /**
     * Every input that needs one of its optional changes names fields it has (a misspelt name would fail at the first
     * request, not here), and an empty one is refused while one change passes.
     */
    @Test
    void anInputOfOptionalChangesNamesAtLeastOne() throws Exception {
        java.nio.file.Path classes = java.nio.file.Path.of("target/classes");
        int found = 0;
        try (var files = java.nio.file.Files.walk(classes.resolve("com/coinstream"))) {
            for (java.nio.file.Path f : files.filter(x -> x.toString().endsWith(".class")).toList()) {
                String name = classes.relativize(f).toString().replace('/', '.').replaceAll("\\.class$", "");
                Class<?> c = Class.forName(name, false, getClass().getClassLoader());
                if (c.isAnnotationPresent(AtLeastOne.class)) {
                    found++;
                    Object empty = c.getDeclaredConstructor().newInstance();
                    Refusal r = InputGate.check(empty);
                    assertNotNull(r, c.getName());
                    assertEquals(ErrorCode.INVALID_INPUT, r.code());
                }
            }
        }
        assertTrue(found >= 2, "found " + found);
        var privacy = new com.coinstream.engagement.EngagementApi.SetPrivacyInput();
        privacy.anonymousByDefault = false;
        assertNull(InputGate.check(privacy));
        var rates = new com.coinstream.rates.RatesApi.SetRatesInput();
        rates.diamondValues = List.of();
        assertNotNull(InputGate.check(rates), "an empty list is no change");
        var gift = new com.coinstream.catalogue.CatalogueApi.UpdateGiftInput();
        gift.giftId = "00000000-0000-4000-9000-000000000001";
        assertNotNull(InputGate.check(gift), "an update of a gift that changes nothing");
        gift.regions = List.of();
        assertNull(InputGate.check(gift), "regions: [] makes a gift available everywhere: a change");
    }

    static void assertRefused(Refusal r, String... field) {
        assertNotNull(r);
        assertEquals(ErrorCode.INVALID_INPUT, r.code());
        assertEquals(List.of(field), r.error().field());
    }

    /**
     * A Java {@code Long} argument is the schema's BigInteger, and SmallRye narrows it with {@code longValue()} before any
     * check can see it (18446744073709551621 became 5). So arguments and input fields that take a whole number beyond
     * 32 bits are declared {@code BigInteger} with a {@link Range}, which the gate checks exactly.
     */
    @Test
    void noArgumentOrInputFieldIsALong() throws Exception {
        java.nio.file.Path classes = java.nio.file.Path.of("target/classes");
        List<String> longs = new java.util.ArrayList<>();
        int apis = 0;
        try (var files = java.nio.file.Files.walk(classes.resolve("com/coinstream"))) {
            for (java.nio.file.Path f : files.filter(x -> x.toString().endsWith(".class")).toList()) {
                String name = classes.relativize(f).toString().replace('/', '.').replaceAll("\\.class$", "");
                Class<?> c = Class.forName(name, false, getClass().getClassLoader());
                if (!c.isAnnotationPresent(org.eclipse.microprofile.graphql.GraphQLApi.class)) {
                    continue;
                }
                apis++;
                for (var m : c.getDeclaredMethods()) {
                    if (!java.lang.reflect.Modifier.isPublic(m.getModifiers())) {
                        continue;
                    }
                    for (var p : m.getParameters()) {
                        check(p.getType(), c.getSimpleName() + "." + m.getName() + "(" + p.getName() + ")", longs, new java.util.HashSet<>());
                    }
                }
            }
        }
        assertEquals(true, apis > 10, "found the GraphQL APIs");
        assertEquals(List.of(), longs);
    }

    private static void check(Class<?> type, String where, List<String> longs, java.util.Set<Class<?>> seen) {
        if (type == Long.class || type == long.class) {
            longs.add(where);
        } else if (type.getName().startsWith("com.coinstream.") && !type.isEnum() && seen.add(type)) {
            for (var f : type.getFields()) {
                if (!java.lang.reflect.Modifier.isStatic(f.getModifiers())) {
                    check(f.getType(), where + "." + f.getName(), longs, seen);
                }
            }
        }
    }
}
