package com.coinstream.domain;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rules for text that arrives from outside (README "Input rules"). Every string argument meets the first one, as
 * part of the String and ID types: valid Unicode (no unpaired surrogate, no noncharacter U+FFFE / U+FFFF) and no
 * control character but tab, line feed and carriage return. A field that holds text a person types meets the second
 * one too: one line (or several where the field says so), no bidirectional override, and a length counted as a person
 * counts characters (grapheme clusters, so an emoji with its modifiers is one).
 */
public final class Text {
    private static final Pattern GRAPHEME = Pattern.compile("\\X");
    /** Bidirectional embeddings, overrides and isolates: they make text read differently than it is stored. */
    private static final String BIDI_CONTROLS = "\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069";
    /** A cluster may carry combining marks, but not without end: storage is bounded by code points too. */
    public static final int CODE_POINTS_PER_CHARACTER = 10;

    private Text() {
    }

    /**
     * A decoder of UTF-8 that refuses bytes that are not well-formed UTF-8 (a CharacterCodingException) instead of
     * repairing them with U+FFFD: text that arrives as bytes meets the rules text that arrives as JSON does. One per use.
     */
    public static java.nio.charset.CharsetDecoder strictUtf8() {
        return java.nio.charset.StandardCharsets.UTF_8.newDecoder().onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT);
    }

    /** Null when {@code value} is acceptable text at all; else what is wrong with it. */
    public static String encodingProblem(String value) {
        if (ascii(value)) {
            return null;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return "contains an unpaired surrogate (U+" + hex(c) + ")";
            }
            if (Character.isLowSurrogate(c)) {
                return "contains an unpaired surrogate (U+" + hex(c) + ")";
            }
            if (controlOrNoncharacter(c)) {
                return (Character.isISOControl(c) ? "contains the control character U+" : "contains the noncharacter U+") + hex(c);
            }
        }
        return null;
    }

    /**
     * Null when {@code value} is text a person may type into a field of at most {@code max} characters; else what is
     * wrong with it. Assumes {@link #encodingProblem} found nothing.
     */
    public static String personTextProblem(String value, int min, int max, boolean multiline) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!multiline && (c == '\n' || c == '\r' || c == '\t' || c == '\u2028' || c == '\u2029')) {
                return "must be one line without tabs";
            }
            if (BIDI_CONTROLS.indexOf(c) >= 0) {
                return "contains the bidirectional control U+" + hex(c);
            }
        }
        if (min > 0 && blank(value)) {
            return "must not be blank";
        }
        if (max == Integer.MAX_VALUE) {
            return null; // a document: bounded by the request's size alone
        }
        int length = length(value, max);
        if (length < min || length > max || value.codePointCount(0, value.length()) > (long) max * CODE_POINTS_PER_CHARACTER) {
            return min == max ? "must be " + max + " characters" : "must be " + min + "-" + max + " characters";
        }
        return null;
    }

    /** Hangul fillers (letters by category) and the braille blank (a symbol): shown as nothing. */
    private static final String FILLERS = "\u115F\u1160\u3164\uFFA0\u2800";

    /**
     * Whether {@code value} shows nothing: only white space of any kind (no-break and narrow spaces too, which
     * {@link String#isBlank} counts as text), invisible format characters (zero-width spaces and joiners, word joiners,
     * byte order marks), fillers and the braille blank, and the invisible marks (variation selectors and the like).
     */
    public static boolean blank(String value) {
        if (ascii(value)) {
            return value.isBlank();
        }
        return value.codePoints().allMatch(cp -> Character.isWhitespace(cp) || Character.isSpaceChar(cp)
                || Character.getType(cp) == Character.FORMAT || FILLERS.indexOf(cp) >= 0 || invisibleMark(cp));
    }

    /**
     * Marks Unicode lists as default-ignorable (shown as nothing on their own): variation selectors, the combining
     * grapheme joiner, Mongolian free variation selectors, Khmer inherent vowels.
     */
    private static boolean invisibleMark(int cp) {
        return cp >= 0xFE00 && cp <= 0xFE0F || cp >= 0xE0100 && cp <= 0xE01EF || cp == 0x034F || cp >= 0x180B && cp <= 0x180D
                || cp == 0x17B4 || cp == 0x17B5;
    }

    /** Characters as a person counts them (extended grapheme clusters), counting no further than {@code limit + 1}. */
    public static int length(String value, int limit) {
        if (ascii(value)) {
            return value.length(); // the common case (ids, keys, most titles): one character per char, no regex
        }
        Matcher m = GRAPHEME.matcher(value);
        int n = 0;
        while (n <= limit && m.find()) {
            n++;
        }
        return n;
    }

    /** The most characters of one sent value that a record of it keeps ({@link #forRecord}). */
    public static final int MAX_RECORDED = 1000;

    /**
     * {@code value} as it may be stored in a record of what was sent (the audit log): every character that is not
     * acceptable text ({@link #encodingProblem}), and every bidirectional control (which would make the record read to
     * the admins who read it otherwise than it was sent), becomes U+FFFD, so a refused attempt's input is kept, not lost; and
     * a value longer than {@value #MAX_RECORDED} UTF-16 units keeps its start and says how much was left out, so no
     * input, however long, can make the record fail.
     */
    public static String forRecord(String value) {
        return forRecord(value, MAX_RECORDED);
    }

    /** {@link #forRecord(String)} keeping at most {@code max} UTF-16 units of {@code value} (never half a pair). */
    public static String forRecord(String value, int max) {
        if (value == null) {
            return null;
        }
        String cut = value;
        if (value.length() > max) {
            int end = Character.isHighSurrogate(value.charAt(max - 1)) ? max - 1 : max;
            cut = value.substring(0, end);
        }
        String clean = replaceUnacceptable(cut);
        return cut == value ? clean : clean + "\u2026 (" + (value.length() - cut.length()) + " more)";
    }

    /** Whether {@link #forRecord} keeps {@code value} as it is (nothing in it replaced; it may still be cut). */
    public static boolean recordedAsSent(String value) {
        return value == null || replaceUnacceptable(value) == value;
    }

    /** {@code value} with each unit {@link #forRecord} does not keep made U+FFFD; {@code value} itself when there is none. */
    private static String replaceUnacceptable(String value) {
        if (ascii(value)) {
            return value;
        }
        StringBuilder b = null;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean pair = Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1));
            boolean kept = pair || !Character.isSurrogate(c) && !controlOrNoncharacter(c) && BIDI_CONTROLS.indexOf(c) < 0;
            if (!kept && b == null) {
                b = new StringBuilder(value.length()).append(value, 0, i);
            }
            if (b != null) {
                b.append(kept ? c : '\uFFFD');
                if (pair) {
                    b.append(value.charAt(i + 1));
                }
            }
            if (pair) {
                i++;
            }
        }
        return b == null ? value : b.toString();
    }

    /** A control character other than tab, line feed and carriage return, or a noncharacter U+FFFE / U+FFFF. */
    private static boolean controlOrNoncharacter(char c) {
        return Character.isISOControl(c) && c != '\t' && c != '\n' && c != '\r' || c == '\uFFFE' || c == '\uFFFF';
    }

    /**
     * {@code value}, as another system sent it for a person's one-line text (a token's name claim), made into text this
     * service accepts ({@link #personTextProblem}) rather than refused: every control character, bidirectional control,
     * unpaired surrogate and noncharacter is left out, the rest stripped and cut to at most {@code max} characters as a
     * person counts them (never inside a character). Empty when nothing acceptable is left.
     */
    public static String cleanedLine(String value, int max) {
        StringBuilder b = new StringBuilder(value.length());
        value.codePoints().filter(cp -> !Character.isISOControl(cp) && BIDI_CONTROLS.indexOf(cp) < 0 && (cp < 0xD800 || cp > 0xDFFF)
                && cp != 0xFFFE && cp != 0xFFFF && cp != 0x2028 && cp != 0x2029).forEach(b::appendCodePoint);
        String clean = b.toString().strip();
        Matcher m = GRAPHEME.matcher(clean);
        int n = 0;
        int end = 0;
        while (n < max && m.find()) {
            if (m.end() - m.start() > CODE_POINTS_PER_CHARACTER * 2) {
                break; // a cluster of endless combining marks ends the text here
            }
            n++;
            end = m.end();
        }
        String cut = clean.substring(0, end).strip();
        // (text that shows nothing is no text: a name of fillers or zero-width spaces)
        return blank(cut) ? "" : cut;
    }

    /** True when {@code value} has no control characters ({@code multiline}: newlines allowed). */
    public static boolean printable(String value, boolean multiline) {
        return value.chars().noneMatch(c -> Character.isISOControl(c) && !(multiline && c == '\n'));
    }

    /** {@code value} if it is 1 to {@code max} printable characters and not blank; else INVALID_INPUT saying so. */
    public static String require(String value, int max, boolean multiline, String what, String... field) {
        if (value == null || encodingProblem(value) != null || personTextProblem(value, 1, max, multiline) != null) {
            throw new Refusal(ErrorCode.INVALID_INPUT, what + " must be 1-" + max + " printable characters", field);
        }
        return value;
    }

    /** Printable ASCII only (space to tilde): nothing to find in it but its length. */
    private static boolean ascii(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }

    private static String hex(char c) {
        return String.format("%04X", (int) c);
    }
}
