package com.coinstream.reconciliation;

import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Currency;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.coinstream.domain.Money;

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
    static final int MAX_LINES = 100_000;
    static final int MAX_ERRORS = 50;

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

    public static Parsed parse(String text) {
        List<String> errors = new ArrayList<>();
        if (text == null || text.isBlank()) {
            return new Parsed(List.of(), List.of("line 1: the file is empty; it needs the header " + String.join(",", COLUMNS)));
        }
        String[] physical = text.replace("\r\n", "\n").replace('\r', '\n').split("\n", -1);
        List<String> header = fields(physical[0].replace("\uFEFF", ""));
        Map<String, Integer> column = new HashMap<>();
        if (header == null) {
            return new Parsed(List.of(), List.of("line 1: the header is not valid CSV"));
        }
        for (int i = 0; i < header.size(); i++) {
            column.putIfAbsent(header.get(i).strip().toLowerCase(Locale.ROOT), i);
        }
        List<String> missing = COLUMNS.stream().filter(c -> !column.containsKey(c)).toList();
        if (!missing.isEmpty()) {
            return new Parsed(List.of(), List.of("line 1: the header lacks " + String.join(", ", missing) + " (expected "
                    + String.join(",", COLUMNS) + ")"));
        }
        List<Line> lines = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int n = 1; n < physical.length && errors.size() < MAX_ERRORS; n++) {
            int lineNo = n + 1;
            if (physical[n].isBlank()) {
                continue;
            }
            if (lines.size() >= MAX_LINES) {
                errors.add("line " + lineNo + ": a report has at most " + MAX_LINES + " lines; split it");
                break;
            }
            List<String> f = fields(physical[n]);
            if (f == null) {
                errors.add("line " + lineNo + ": unbalanced quotes");
                continue;
            }
            if (f.size() < header.size()) {
                errors.add("line " + lineNo + ": " + f.size() + " fields, the header has " + header.size());
                continue;
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
            String currency = null;
            try {
                if (currencyText.matches("[A-Z]{3}")) {
                    currency = Currency.getInstance(currencyText).getCurrencyCode();
                }
            } catch (IllegalArgumentException e) {
                currency = null;
            }
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
            if (problems.isEmpty() && !seen.add(type + " " + id)) {
                problems.add("a second " + type + " line for transaction " + id);
            }
            if (!problems.isEmpty()) {
                errors.add("line " + lineNo + ": " + String.join("; ", problems));
                continue;
            }
            lines.add(new Line(lineNo, id, type, amount, currency, fee, at));
        }
        if (errors.isEmpty() && lines.isEmpty()) {
            errors.add("line 2: the report has no lines");
        }
        return errors.isEmpty() ? new Parsed(List.copyOf(lines), List.of()) : new Parsed(List.of(), List.copyOf(errors));
    }

    private static Long minor(String text, String currency, String name, List<String> problems) {
        String t = text.strip();
        if (!t.matches("\\d{1,15}(\\.\\d{1,6})?")) {
            problems.add(name + " \"" + abbreviate(t) + "\" is not a decimal amount like 4.99");
            return null;
        }
        BigDecimal value = new BigDecimal(t);
        int digits = Money.fractionDigits(currency);
        if (value.stripTrailingZeros().scale() > digits) {
            problems.add(name + " " + t + " has more than " + digits + " decimals for " + currency);
            return null;
        }
        return value.movePointRight(digits).longValueExact();
    }

    private static Instant date(String text, List<String> problems) {
        try {
            if (text.matches("\\d{4}-\\d{2}-\\d{2}")) {
                return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            return Instant.parse(text);
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

    /** One CSV field, quoted when it must be. */
    public static String field(Object value) {
        if (value == null) {
            return "";
        }
        String s = value.toString();
        // a leading = + - @ would be a formula in a spreadsheet: quote it with a leading apostrophe
        if (!s.isEmpty() && "=+-@".indexOf(s.charAt(0)) >= 0 && !s.matches("-?\\d+(\\.\\d+)?")) {
            s = "'" + s;
        }
        return s.matches("[^,\"\\r\\n]*") ? s : "\"" + s.replace("\"", "\"\"") + "\"";
    }
}
