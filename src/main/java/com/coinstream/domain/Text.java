package com.coinstream.domain;

/** The one rule for free text a person types (titles, labels, reasons, keys): present, bounded, printable. */
public final class Text {
    private Text() {
    }

    /** True when {@code value} has no control characters ({@code multiline}: newlines allowed). */
    public static boolean printable(String value, boolean multiline) {
        return value.chars().noneMatch(c -> Character.isISOControl(c) && !(multiline && c == '\n'));
    }

    /** {@code value} if it is 1 to {@code max} printable characters and not blank; else INVALID_INPUT saying so. */
    public static String require(String value, int max, boolean multiline, String what, String... field) {
        if (value == null || value.isBlank() || value.length() > max || !printable(value, multiline)) {
            throw new Refusal(ErrorCode.INVALID_INPUT, what + " must be 1-" + max + " printable characters", field);
        }
        return value;
    }
}
