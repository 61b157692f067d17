package com.coinstream.reconciliation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The settlement report format, parsed. */
@Tag("fast")
class SettlementCsvTest {
    static final String HEADER = "transaction_id,type,amount,currency,fee,date\n";

    @Test
    void aWellFormedReportParsesToExactMinorUnits() {
        SettlementCsv.Parsed p = SettlementCsv.parse("\uFEFF" + HEADER + "sim_pi_1,charge,4.99,USD,0.44,2026-11-30\r\n"
                + "\"sim_pi_2\",refund,4.99,usd,0,2026-11-30T10:15:00Z\n\nfee_1,fee,0,EUR,12.5,2026-11-30\n" + "jp_1,charge,500,JPY,45,2026-11-30\n");
        assertTrue(p.ok(), p.errors().toString());
        assertEquals(List.of(499L, 499L, 0L, 500L), p.lines().stream().map(SettlementCsv.Line::amountMinor).toList());
        assertEquals(List.of(44L, 0L, 1250L, 45L), p.lines().stream().map(SettlementCsv.Line::feeMinor).toList());
        assertEquals("USD", p.lines().get(1).currency());
        assertEquals(Instant.parse("2026-11-30T10:15:00Z"), p.lines().get(1).occurredAt());
        assertEquals(List.of(2, 3, 5, 6), p.lines().stream().map(SettlementCsv.Line::lineNo).toList(), "physical line numbers");
    }

    @Test
    void columnsMayComeInAnyOrderWithMoreBesides() {
        SettlementCsv.Parsed p = SettlementCsv.parse("date,fee,currency,amount,type,transaction_id,note\n2026-11-30,0.10,GBP,0.89,charge,x1,\"a, b\"\n");
        assertTrue(p.ok(), p.errors().toString());
        assertEquals(89L, p.lines().get(0).amountMinor());
    }

    @Test
    void everyBadLineIsNamedAndNothingIsKept() {
        SettlementCsv.Parsed p = SettlementCsv.parse(HEADER + "ok_1,charge,1.00,USD,0,2026-11-30\n"
                + "bad_1,charge,4.999,USD,0,2026-11-30\n"
                + "bad_2,payout,1,USD,0,2026-11-30\n"
                + "bad_3,charge,1,XXQ,0,2026-11-30\n"
                + "bad_4,charge,-1,USD,0,2026-11-30\n"
                + "bad_5,charge,1,USD,0,30/11/2026\n"
                + "bad_6,charge,\"1,USD,0,2026-11-30\n"
                + "bad_7,charge,1,USD\n"
                + "ok_2,charge,1.00,USD,0,2026-11-30\n"
                + "bad_9,fee,1,USD,0,2026-11-30\n"
                + "bad 10,charge,1,USD,0,2026-11-30\n"
                + "bad_11,charge,0,USD,0,2026-11-30\n");
        assertTrue(p.lines().isEmpty());
        assertEquals(10, p.errors().size(), p.errors().toString());
        List<Integer> bad = List.of(3, 4, 5, 6, 7, 8, 9, 11, 12, 13);
        for (int i = 0; i < 10; i++) {
            assertTrue(p.errors().get(i).startsWith("line " + bad.get(i) + ": "), p.errors().get(i));
        }
        assertTrue(p.errors().get(0).contains("more than 2 decimals"));
    }

    /**
     * Amounts and fees past the ceiling (10^12 minor units) are bad lines, in every currency's exponent: a Chilean UF has
     * four decimals, so fifteen digits before its point pass the long range (that answered INTERNAL), and a fee that big
     * in any currency would fill the clearing account that refunds and chargebacks credit.
     */
    @Test
    void amountsAndFeesPastTheCeilingAreBadLinesInEveryCurrency() {
        SettlementCsv.Parsed p = SettlementCsv.parse(HEADER + "clf_1,charge,999999999999999,CLF,0,2026-11-30\n"
                + "clf_2,charge,1,CLF,922337203685478,2026-11-30\n"
                + "usd_1,dispute,1,USD,99999999999999.99,2026-11-30\n"
                + "usd_2,charge,10000000000.01,USD,0,2026-11-30\n");
        assertEquals(4, p.errors().size(), p.errors().toString());
        assertTrue(p.errors().stream().allMatch(e -> e.contains("minor units")), p.errors().toString());
        SettlementCsv.Parsed ceiling = SettlementCsv.parse(HEADER + "usd_3,charge,10000000000.00,USD,10000000000,2026-11-30\n"
                + "clf_3,charge,100000000.0000,CLF,0,2026-11-30\n");
        assertTrue(ceiling.ok(), ceiling.errors().toString());
        assertEquals(List.of(SettlementCsv.MAX_MINOR, SettlementCsv.MAX_MINOR), ceiling.lines().stream().map(SettlementCsv.Line::amountMinor).toList());
    }

    @Test
    void moreBadLinesThanAreListedAreCountedInAll() {
        StringBuilder csv = new StringBuilder(HEADER);
        for (int i = 0; i < 60; i++) {
            csv.append("bad_").append(i).append(",charge,-1,USD,0,2026-11-30\n");
        }
        SettlementCsv.Parsed p = SettlementCsv.parse(csv.toString());
        assertEquals(SettlementCsv.MAX_ERRORS + 1, p.errors().size());
        assertEquals("60 lines are bad in all; the first 50 are listed", p.errors().get(SettlementCsv.MAX_ERRORS));
    }

    @Test
    void linesAreReadOneAtATimeWithTheirPhysicalNumbersWhateverTheLineEnds() throws Exception {
        try (SettlementCsv.Reader r = new SettlementCsv.Reader(new java.io.StringReader(HEADER.replace("\n", "\r")
                + "a_1,charge,1.00,USD,0,2026-11-30\r\n\r\nb_2,charge,2.00,USD,0,2026-11-30\rc_3,charge," + "9".repeat(5000) + "\n"))) {
            assertEquals(2, r.next().lineNo());
            assertEquals(4, r.next().lineNo());
            assertEquals(null, r.next());
            assertTrue(r.finish().get(0).startsWith("line 5: longer than"));
        }
    }

    @Test
    void datesOutsideTheWindowAreBadLines() {
        assertTrue(SettlementCsv.parse(HEADER + "x,charge,1,USD,0,+300000-01-01T00:00:00Z\n").errors().get(0).startsWith("line 2:"));
        assertTrue(SettlementCsv.parse(HEADER + "x,charge,1,USD,0,1999-12-31\n").errors().get(0).startsWith("line 2:"));
    }

    @Test
    void headerAndEmptyFilesAreRefused() {
        assertTrue(SettlementCsv.parse("").errors().get(0).startsWith("line 1:"));
        assertTrue(SettlementCsv.parse("id,type\nx,charge\n").errors().get(0).contains("lacks transaction_id"));
        // one error for a header it cannot read: the next line is not taken for a header in its turn
        org.junit.jupiter.api.Assertions.assertEquals(java.util.List.of("line 1: the header lacks transaction_id, amount, currency, fee, date "
                + "(expected transaction_id,type,amount,currency,fee,date)"), SettlementCsv.parse("id,type\nid,type\n").errors());
        assertTrue(SettlementCsv.parse(HEADER).errors().get(0).contains("no lines"));
    }

    @Test
    void exportedFieldsAreQuotedAndNeverSpreadsheetFormulas() {
        assertEquals("plain", SettlementCsv.field("plain"));
        assertEquals("\"a, \"\"b\"\"\"", SettlementCsv.field("a, \"b\""));
        assertEquals("'=HYPERLINK(1)", SettlementCsv.field("=HYPERLINK(1)"));
        assertEquals("-4.99", SettlementCsv.field("-4.99"));
        assertEquals("", SettlementCsv.field(null));
        // a separator of a locale that splits on ';' or tab never lets a formula become a cell of its own
        assertEquals("\"x;=cmd|' /C calc'!A0\"", SettlementCsv.field("x;=cmd|' /C calc'!A0"));
        assertEquals("\"a\t=1+1\"", SettlementCsv.field("a\t=1+1"));
        assertEquals("\"'\t=1\"", SettlementCsv.field("\t=1"));
    }

    /**
     * The upload's bytes meet the rules the GraphQL mutation's text meets (README "Input rules"): a control character in any
     * column, one the report does not read included, is a bad line; bytes that are not UTF-8 refuse the report instead
     * of being read as U+FFFD; a short line that starts with NUL is not called too long.
     */
    @Test
    void aReportIsUtf8TextWithoutControlCharactersInAnyColumn() throws Exception {
        SettlementCsv.Parsed nul = SettlementCsv.parse("transaction_id,type,amount,currency,fee,date,note\n"
                + "a_1,charge,1.00,USD,0,2026-11-30,ok\n\u0000b,charge,1.00,USD,0,2026-11-30,x\nc_3,charge,1.00,USD,0,2026-11-30,bell\u0007\n");
        assertEquals(List.of("line 3: contains the control character U+0000", "line 4: contains the control character U+0007"), nul.errors());
        SettlementCsv.Parsed header = SettlementCsv.parse("transaction_id,type,amount,currency,fee,date\u0001\na_1,charge,1.00,USD,0,2026-11-30\n");
        assertEquals(List.of("line 1: the header contains the control character U+0001"), header.errors());
        byte[] bytes = (HEADER + "a_1,charge,1.00,USD,0,2026-11-30\nb_2,charge,1.00,USD,0,2026-11-30,\u00e9\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        bytes[bytes.length - 2] = (byte) 0xFF; // the second byte of the e-acute
        java.nio.charset.CharsetDecoder strict = com.coinstream.domain.Text.strictUtf8();
        try (SettlementCsv.Reader r = new SettlementCsv.Reader(new java.io.InputStreamReader(new java.io.ByteArrayInputStream(bytes), strict))) {
            // (the reader decodes ahead of the lines it gives: the refusal may come before the good line)
            while (r.next() != null) {
                // read through
            }
            List<String> errors = r.finish();
            assertEquals(1, errors.size(), errors.toString());
            assertEquals("the report is not UTF-8 text (a report is UTF-8)", errors.get(0));
        }
    }
}
