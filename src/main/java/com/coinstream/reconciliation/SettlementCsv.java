package com.coinstream.reconciliation;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.coinstream.domain.Money;
import com.coinstream.domain.Text;
import com.coinstream.domain.Times;

/**
 * The settlement report format (README "Reconciliation"): CSV, a header line naming the columns
 * {@code transaction_id,type,amount,currency,fee,date} (any order, more columns ignored), then one line per
 * transaction. Quoted fields may hold commas and doubled quotes. Amounts are non-negative decimals in the currency's
 * major unit with at most its minor digits; dates are {@code YYYY-MM-DD} (UTC) or ISO-8601 instants. A file with any
 * bad line is refused whole, each error naming its line.
 */
public final class SettlementCsv {
    public static final List<String> COLUMNS = List.of("transaction_id", "type", "amount", "currency", "fee", "date");
    public static final Set<String> TYPES = Set.of("charge", "refund", "dispute", "fee");
    static final int MAX_LINES = 1_000_000;
    /**
     * A line's amount and fee at most, in the currency's minor units: a million lines of it still sum within a long, and
     * no purchase comes near it (README "Reconciliation").
     */
    static final long MAX_MINOR = 1_000_000_000_000L;
    /** Bad lines listed by name; the rest are counted (README "Reconciliation"). */
    static final int MAX_ERRORS = 50;
    static final int MAX_LINE_CHARS = 4096;

    private SettlementCsv() {
    }

    public record Line(int lineNo, String transactionId, String type, long amountMinor, String currency, long feeMinor, Instant occurredAt) {
    }

    /** The lines, or the errors ("line N: ..."); never both. */
    public record Parsed(List<Line> lines, List<String> errors) {
        public boolean ok() {
            return errors.isEmpty();
        }
    }

    /** The whole report in memory (tests, small files): every line, or the errors. Duplicates are the import's to find. */
    public static Parsed parse(String text) {
        try (Reader reader = new Reader(new java.io.StringReader(text == null ? "" : text))) {
            List<Line> lines = new ArrayList<>();
            for (Line l = reader.next(); l != null; l = reader.next()) {
                lines.add(l);
            }
            List<String> errors = reader.finish();
            return errors.isEmpty() ? new Parsed(List.copyOf(lines), List.of()) : new Parsed(List.of(), errors);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads a report line by line in constant memory: {@link #next()} gives each good line, and bad lines are noted (the
     * first {@value #MAX_ERRORS} with their reasons, all of them counted). A report with any bad line is refused whole.
     */
    public static final class Reader implements AutoCloseable {
        private final BufferedReader in;
        private final List<String> errors = new ArrayList<>();
        private Map<String, Integer> column;
        private int width;
        private int physical;
        private int good;
        private int bad;
        /** Reading ended early (a header it cannot read, or the line limit): nothing more is read, or noted twice. */
        private boolean stopped;
        /** The line just read was longer than {@value #MAX_LINE_CHARS} characters. */
        private boolean overlong;

        public Reader(java.io.Reader source) {
            this.in = new BufferedReader(source, 64 * 1024);
        }

        /** The next good line, or null at the end (bad lines are skipped and noted). */
        public Line next() throws IOException {
            if (stopped) {
                return null;
            }
            if (column == null && !header()) {
                stopped = true;
                return null;
            }
            String text;
            while ((text = readOrStop()) != null) {
                int lineNo = physical;
                if (text.isBlank()) {
                    continue;
                }
                if (good + bad >= MAX_LINES) {
                    note("line " + lineNo + ": a report has at most " + MAX_LINES + " lines; split it");
                    stopped = true;
                    return null;
                }
                Line line = overlong ? refuse(lineNo, "longer than " + MAX_LINE_CHARS + " characters") : line(lineNo, text);
                if (line != null) {
                    good++;
                    return line;
                }
            }
            return null;
        }

        /** The errors (empty when every line was good and there was at least one), after reading to the end. */
        public List<String> finish() throws IOException {
            while (next() != null) {
                // read through, counting every bad line
            }
            if (errors.isEmpty() && good == 0) {
                note(column == null ? "line 1: the file is empty; it needs the header " + String.join(",", COLUMNS) : "line 2: the report has no lines");
            }
            List<String> all = new ArrayList<>(errors);
            if (bad > errors.size()) {
                all.add(bad + " lines are bad in all; the first " + errors.size() + " are listed");
            }
            return List.copyOf(all);
        }

        /** Bad lines counted so far. */
        public int bad() {
            return bad;
        }

        private boolean header() throws IOException {
            String first = readOrStop();
            if (first == null) {
                return false;
            }
            String problem = overlong ? "is longer than " + MAX_LINE_CHARS + " characters" : Text.encodingProblem(first);
            if (problem != null) {
                note("line 1: the header " + problem);
                return false;
            }
            List<String> header = fields(first.replace("\uFEFF", ""));
            if (header == null) {
                note("line 1: the header is not valid CSV");
                return false;
            }
            Map<String, Integer> found = new HashMap<>();
            for (int i = 0; i < header.size(); i++) {
                found.putIfAbsent(header.get(i).strip().toLowerCase(Locale.ROOT), i);
            }
            List<String> missing = COLUMNS.stream().filter(c -> !found.containsKey(c)).toList();
            if (!missing.isEmpty()) {
                note("line 1: the header lacks " + String.join(", ", missing) + " (expected " + String.join(",", COLUMNS) + ")");
                return false;
            }
            column = found;
            width = header.size();
            return true;
        }

        /**
         * {@link #readLine}, or null when the bytes are not UTF-8 (a report is UTF-8 text: such a report is refused, and
         * nothing more is read; a decoder that replaced them would let other bytes through than the GraphQL
         * mutation takes).
         */
        private String readOrStop() throws IOException {
            try {
                return readLine();
            } catch (java.nio.charset.CharacterCodingException e) {
                // (no line named: the decoder reads ahead of the lines, so the line it stopped at is not the bad bytes')
                note("the report is not UTF-8 text (a report is UTF-8)");
                stopped = true;
                return null;
            }
        }

        /**
         * One physical line (CR, LF or CRLF ended), at most MAX_LINE_CHARS long: the rest is dropped, and {@link #overlong}
         * says so (the line is then refused).
         */
        private String readLine() throws IOException {
            StringBuilder b = new StringBuilder();
            int c;
            boolean any = false;
            boolean tooLong = false;
            while ((c = in.read()) != -1) {
                any = true;
                if (c == '\n') {
                    break;
                }
                if (c == '\r') {
                    in.mark(1);
                    if (in.read() != '\n') {
                        in.reset();
                    }
                    break;
                }
                if (b.length() < MAX_LINE_CHARS) {
                    b.append((char) c);
                } else {
                    tooLong = true;
                }
            }
            if (!any) {
                return null;
            }
            physical++;
            overlong = tooLong;
            return b.toString();
        }

        private Line line(int lineNo, String text) {
            String problem = Text.encodingProblem(text);
            if (problem != null) {
                return refuse(lineNo, problem);
            }
            List<String> f = fields(text);
            if (f == null) {
                return refuse(lineNo, "unbalanced quotes");
            }
            if (f.size() < width) {
                return refuse(lineNo, f.size() + " fields, the header has " + width);
            }
            String id = f.get(column.get("transaction_id")).strip();
            String type = f.get(column.get("type")).strip().toLowerCase(Locale.ROOT);
            String currencyText = f.get(column.get("currency")).strip().toUpperCase(Locale.ROOT);
            List<String> problems = new ArrayList<>();
            if (id.isEmpty() || id.length() > 200 || !id.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
                problems.add("transaction_id must be 1-200 printable characters without spaces");
            }
            if (!TYPES.contains(type)) {
                problems.add("type \"" + abbreviate(type) + "\" is not charge, refund, dispute or fee");
            }
            String currency = Money.currencyCode(currencyText);
            if (currency == null) {
                problems.add("currency \"" + abbreviate(currencyText) + "\" is not an ISO 4217 code");
            }
            Long amount = currency == null ? null : minor(f.get(column.get("amount")), currency, "amount", problems);
            Long fee = currency == null ? null : minor(f.get(column.get("fee")), currency, "fee", problems);
            Instant at = date(f.get(column.get("date")).strip(), problems);
            if (amount != null && fee != null && "fee".equals(type) && (amount != 0 || fee == 0)) {
                problems.add("a fee line has amount 0 and the fee in the fee column");
            }
            if (amount != null && !"fee".equals(type) && amount == 0) {
                problems.add("amount must be more than 0");
            }
            if (!problems.isEmpty()) {
                return refuse(lineNo, String.join("; ", problems));
            }
            return new Line(lineNo, id, type, amount, currency, fee, at);
        }

        private Line refuse(int lineNo, String problem) {
            bad++;
            note("line " + lineNo + ": " + problem);
            return null;
        }

        private void note(String error) {
            if (errors.size() < MAX_ERRORS) {
                errors.add(error);
            }
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    // (compiled once: every line of a report is read through them)
    private static final java.util.regex.Pattern AMOUNT = java.util.regex.Pattern.compile("\\d{1,15}(\\.\\d{1,6})?");
    private static final java.util.regex.Pattern DAY = java.util.regex.Pattern.compile("\\d{4}-\\d{2}-\\d{2}");

    private static Long minor(String text, String currency, String name, List<String> problems) {
        String t = text.strip();
        if (!AMOUNT.matcher(t).matches()) {
            problems.add(name + " \"" + abbreviate(t) + "\" is not a decimal amount like 4.99");
            return null;
        }
        BigDecimal value = new BigDecimal(t);
        int digits = Money.fractionDigits(currency);
        if (value.stripTrailingZeros().scale() > digits) {
            problems.add(name + " " + t + " has more than " + digits + " decimals for " + currency);
            return null;
        }
        BigDecimal minor = value.movePointRight(digits);
        if (minor.compareTo(BigDecimal.valueOf(MAX_MINOR)) > 0) {
            problems.add(name + " " + t + " is more than " + MAX_MINOR + " minor units of " + currency);
            return null;
        }
        return minor.longValueExact();
    }

    private static Instant date(String text, List<String> problems) {
        try {
            Instant at = DAY.matcher(text).matches() ? LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant() : Instant.parse(text);
            if (!Times.inWindow(at)) {
                problems.add("date " + abbreviate(text) + " is not between " + Times.EARLIEST + " and " + Times.LATEST);
                return null;
            }
            return at;
        } catch (DateTimeException e) {
            problems.add("date \"" + abbreviate(text) + "\" is not YYYY-MM-DD or an ISO-8601 instant");
            return null;
        }
    }

    /** RFC 4180 fields of one line, or null when its quotes do not balance. */
    static List<String> fields(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                out.add(field.toString());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        if (quoted) {
            return null;
        }
        out.add(field.toString());
        return out;
    }

    private static String abbreviate(String s) {
        String printable = s.replaceAll("[^\\x20-\\x7e]", "?");
        return printable.length() > 40 ? printable.substring(0, 40) + "..." : printable;
    }

    // (compiled once: every field of every row of a download passes through here)
    private static final java.util.regex.Pattern NUMBER = java.util.regex.Pattern.compile("-?\\d+(\\.\\d+)?");
    private static final java.util.regex.Pattern PLAIN = java.util.regex.Pattern.compile("[^,;\t\"\\r\\n]*");

    /** One CSV field, quoted when it must be. */
    public static String field(Object value) {
        if (value == null) {
            return "";
        }
        String s = value.toString();
        // a leading = + - @ (or tab, CR) would be a formula in a spreadsheet: quote it with a leading apostrophe
        if (!s.isEmpty() && "=+-@\t\r".indexOf(s.charAt(0)) >= 0 && !NUMBER.matcher(s).matches()) {
            s = "'" + s;
        }
        // quoted when it holds a separator of any locale's CSV (a comma, or the semicolon or tab others split on), so a
        // formula after one never becomes a cell of its own
        return PLAIN.matcher(s).matches() ? s : "\"" + s.replace("\"", "\"\"") + "\"";
    }
}
