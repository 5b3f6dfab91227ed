package dev.zoft.zo.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetReaderTest {

    static LoadResult load(DatasetFormat f, String content, ReadOptions o) throws IOException {
        return load(f, content.getBytes(StandardCharsets.UTF_8), o);
    }

    static LoadResult load(DatasetFormat f, byte[] content, ReadOptions o) throws IOException {
        return DatasetReader.load(new ByteArrayInputStream(content), "mem." + f.name().toLowerCase(), f, o);
    }

    static DatasetFormatException fails(DatasetFormat f, String content, ReadOptions o) {
        return assertThrows(DatasetFormatException.class, () -> load(f, content, o));
    }

    static final ReadOptions STRICT = ReadOptions.defaults();
    static final ReadOptions SKIP = ReadOptions.defaults().withSkipMalformed(true);

    @Nested
    class Tsv {
        @Test
        void readsGlueHeaderEitherTextColumnNameAndExtraColumns() throws IOException {
            Dataset train = load(DatasetFormat.TSV, "label\tsentence\n0\tbad film \n1\tgood film\n", STRICT).dataset();
            assertEquals(List.of("bad film ", "good film"), train.texts());
            assertEquals(0, train.label(0));
            assertEquals(1, train.label(1));
            Dataset dev = load(DatasetFormat.TSV, "label\tcontent\n1\tfine\n", STRICT).dataset();
            assertEquals("fine", dev.text(0));
            Dataset extra = load(DatasetFormat.TSV, "id\tText\tsource\tLabel\n7\tok then\tweb\tpositive\n", STRICT).dataset();
            assertEquals("ok then", extra.text(0));
            assertEquals(1, extra.label(0));
            assertEquals("mem.tsv", extra.source());
        }

        @Test
        void configurableColumnsAndLabelNames() throws IOException {
            ReadOptions o = STRICT.withTextColumns("review").withLabelColumn("stars")
                    .withLabels(Labels.of("low", "mid", "high"));
            Dataset d = load(DatasetFormat.TSV, "stars\treview\nhigh\tgreat\nlow\tawful\n1\tmeh\n", o).dataset();
            assertEquals(3, d.numLabels());
            assertEquals(2, d.label(0));
            assertEquals(0, d.label(1));
            assertEquals(1, d.label(2));
        }

        @Test
        void wrongColumnCountNamesFileAndLine() {
            DatasetFormatException e = fails(DatasetFormat.TSV, "label\tsentence\n0\ta\n1\tb\textra\n", STRICT);
            assertEquals(3, e.line());
            assertEquals(Problem.WRONG_COLUMN_COUNT, e.problem());
            assertTrue(e.getMessage().startsWith("mem.tsv:3: "), e.getMessage());
            assertTrue(e.getMessage().contains("found 3"), e.getMessage());
        }

        @Test
        void rowProblemsAreReportedWithTheirLine() {
            assertEquals(Problem.UNKNOWN_LABEL, fails(DatasetFormat.TSV, "label\tsentence\n0\ta\n2\tb\n", STRICT).problem());
            assertEquals(Problem.UNKNOWN_LABEL, fails(DatasetFormat.TSV, "label\tsentence\nneutral\tb\n", STRICT).problem());
            assertEquals(Problem.UNKNOWN_LABEL, fails(DatasetFormat.TSV, "label\tsentence\n-1\tb\n", STRICT).problem());
            DatasetFormatException missing = fails(DatasetFormat.TSV, "label\tsentence\n0\ta\n1\tb\n\tc\n", STRICT);
            assertEquals(Problem.MISSING_LABEL, missing.problem());
            assertEquals(4, missing.line());
            DatasetFormatException empty = fails(DatasetFormat.TSV, "label\tsentence\n0\t  \n", STRICT);
            assertEquals(Problem.EMPTY_TEXT, empty.problem());
            assertEquals(2, empty.line());
        }

        @Test
        void invalidUtf8IsReportedOnItsLineNotReplaced() throws IOException {
            byte[] bytes = concat("label\tsentence\n0\tcaf\u00e9 ok\n1\tbad ".getBytes(StandardCharsets.UTF_8),
                    new byte[] {(byte) 0xC3, (byte) 0x28}, " byte\n0\tfine\n".getBytes(StandardCharsets.UTF_8));
            DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> load(DatasetFormat.TSV, bytes, STRICT));
            assertEquals(Problem.INVALID_UTF8, e.problem());
            assertEquals(3, e.line());
            assertTrue(e.getMessage().contains("byte 6"), e.getMessage());
            LoadResult r = load(DatasetFormat.TSV, bytes, SKIP);
            assertEquals(List.of("caf\u00e9 ok", "fine"), r.dataset().texts());
            assertEquals(1, r.report().skipped(Problem.INVALID_UTF8));
            // an encoded surrogate (CESU-8) and an overlong encoding are malformed UTF-8 too
            byte[] cesu = concat("label\tsentence\n0\tx".getBytes(StandardCharsets.UTF_8),
                    new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, "\n".getBytes(StandardCharsets.UTF_8));
            assertEquals(Problem.INVALID_UTF8,
                    assertThrows(DatasetFormatException.class, () -> load(DatasetFormat.TSV, cesu, STRICT)).problem());
            byte[] overlong = concat("label\tsentence\n0\tx".getBytes(StandardCharsets.UTF_8),
                    new byte[] {(byte) 0xC0, (byte) 0xAF}, "\n".getBytes(StandardCharsets.UTF_8));
            assertEquals(Problem.INVALID_UTF8,
                    assertThrows(DatasetFormatException.class, () -> load(DatasetFormat.TSV, overlong, STRICT)).problem());
        }

        @Test
        void bomCrlfBlankLinesAndMissingFinalNewline() throws IOException {
            String s = "\uFEFFlabel\tsentence\r\n0\tone\r\n\r\n1\ttwo";
            LoadResult r = load(DatasetFormat.TSV, s, STRICT);
            assertEquals(List.of("one", "two"), r.dataset().texts());
            assertEquals(1, r.report().blankLines());
        }

        @Test
        void fileLevelErrors() {
            assertEquals(Problem.EMPTY_FILE, fails(DatasetFormat.TSV, "", STRICT).problem());
            assertEquals(Problem.EMPTY_FILE, fails(DatasetFormat.TSV, "", SKIP).problem());
            DatasetFormatException headerOnly = fails(DatasetFormat.TSV, "label\tsentence\n", SKIP);
            assertEquals(Problem.NO_EXAMPLES, headerOnly.problem());
            DatasetFormatException noText = fails(DatasetFormat.TSV, "label\treview\n0\tx\n", SKIP);
            assertEquals(Problem.BAD_HEADER, noText.problem());
            assertTrue(noText.getMessage().contains("no text column")
                    && noText.getMessage().contains("[sentence, content, text]"), noText.getMessage());
            assertEquals(Problem.BAD_HEADER, fails(DatasetFormat.TSV, "stars\tsentence\n0\tx\n", STRICT).problem());
            assertEquals(Problem.BAD_HEADER, fails(DatasetFormat.TSV, "label\ttext\tTEXT\n0\tx\ty\n", STRICT).problem());
            DatasetFormatException allBad = fails(DatasetFormat.TSV, "label\tsentence\n9\tx\n", SKIP);
            assertEquals(Problem.NO_EXAMPLES, allBad.problem());
            assertTrue(allBad.getMessage().contains("all 1 rows were malformed"), allBad.getMessage());
        }

        @Test
        void skipMalformedCountsPerProblemAndKeepsFirstExamples() throws IOException {
            StringBuilder sb = new StringBuilder("label\tsentence\n");
            for (int i = 0; i < 10; i++) {
                sb.append("7\tunknown ").append(i).append('\n');  // lines 2, 5, 8, ...
                sb.append("1\tgood ").append(i).append('\n');
                sb.append("0\ta\tb\n");
            }
            sb.append("\tno label\n");
            LoadResult r = load(DatasetFormat.TSV, sb.toString(), SKIP.withMaxIssueExamples(3));
            assertEquals(10, r.dataset().size());
            assertEquals(10, r.report().loaded());
            assertEquals(10, r.report().skipped(Problem.UNKNOWN_LABEL));
            assertEquals(10, r.report().skipped(Problem.WRONG_COLUMN_COUNT));
            assertEquals(1, r.report().skipped(Problem.MISSING_LABEL));
            assertEquals(21, r.report().skippedTotal());
            assertEquals(List.of(2L, 4L, 5L), r.report().examples().stream().map(LoadReport.Issue::line).toList());
            assertEquals(Problem.WRONG_COLUMN_COUNT, r.report().examples().get(1).problem());
            assertTrue(r.report().summary().contains("21 malformed rows skipped"), r.report().summary());
        }

        @Test
        void overlongLineIsMalformedAndSkippableWithoutBufferingIt() throws IOException {
            String longText = "x".repeat(5000);
            String s = "label\tsentence\n0\tshort\n1\t" + longText + "\n1\tafter\n";
            ReadOptions o = STRICT.withMaxLineBytes(1000);
            DatasetFormatException e = fails(DatasetFormat.TSV, s, o);
            assertEquals(Problem.LINE_TOO_LONG, e.problem());
            assertEquals(3, e.line());
            LoadResult r = load(DatasetFormat.TSV, s, o.withSkipMalformed(true));
            assertEquals(List.of("short", "after"), r.dataset().texts());
            assertEquals(1, r.report().skipped(Problem.LINE_TOO_LONG));
        }

        @Test
        void linesLongerThanTheReadBufferAreJoinedCorrectly() throws IOException {
            // a 200 kB line spans several 64 kB reads; it must come back whole and the next line intact
            String big = "word ".repeat(40_000);
            LoadResult r = load(DatasetFormat.TSV, "label\tsentence\n1\t" + big + "\n0\tnext\n", STRICT);
            assertEquals(big, r.dataset().text(0));
            assertEquals("next", r.dataset().text(1));
        }
    }

    @Nested
    class Csv {
        @Test
        void rfc4180QuotingWithCommasDoubledQuotesAndNewlines() throws IOException {
            String s = "text,label\n"
                    + "\"good, really good\",1\n"
                    + "\"she said \"\"meh\"\"\",0\n"
                    + "\"two\r\nlines\",positive\r\n"
                    + "plain,0\n"
                    + "\"\",1\n";
            DatasetFormatException e = fails(DatasetFormat.CSV, s, STRICT);
            // the record with empty text starts on line 7: the quoted line break moved later lines by one
            assertEquals(7, e.line());
            assertEquals(Problem.EMPTY_TEXT, e.problem());
            Dataset d = load(DatasetFormat.CSV, s, SKIP).dataset();
            assertEquals(List.of("good, really good", "she said \"meh\"", "two\nlines", "plain"), d.texts());
            assertEquals(1, d.label(2));
        }

        @Test
        void configurableHeaderNamesAndExtraColumns() throws IOException {
            Dataset d = load(DatasetFormat.CSV, "id,body,stars,extra\n1,\"fine, thanks\",1,x\n",
                    STRICT.withTextColumns("body").withLabelColumn("stars")).dataset();
            assertEquals("fine, thanks", d.text(0));
            assertEquals(1, d.label(0));
        }

        @Test
        void quotingErrors() {
            DatasetFormatException stray = fails(DatasetFormat.CSV, "text,label\nok,1\nsay \"\"hi\"\",0\n", STRICT);
            assertEquals(Problem.BAD_CSV, stray.problem());
            assertEquals(3, stray.line());
            DatasetFormatException after = fails(DatasetFormat.CSV, "text,label\n\"a\"b,1\n", STRICT);
            assertEquals(Problem.BAD_CSV, after.problem());
            DatasetFormatException open = fails(DatasetFormat.CSV, "text,label\nok,1\n\"never closed,1\nmore,0\n", STRICT);
            assertEquals(Problem.BAD_CSV, open.problem());
            assertEquals(3, open.line());
            DatasetFormatException cols = fails(DatasetFormat.CSV, "text,label\na,1,2\n", STRICT);
            assertEquals(Problem.WRONG_COLUMN_COUNT, cols.problem());
            assertEquals(Problem.BAD_HEADER, fails(DatasetFormat.CSV, "\"text,label\nx,1\n", STRICT).problem());
            assertEquals(Problem.NO_EXAMPLES, fails(DatasetFormat.CSV, "text,label\n", STRICT).problem());
        }

        @Test
        void skippedRecordDoesNotDesynchroniseTheFollowingOnes() throws IOException {
            LoadResult r = load(DatasetFormat.CSV, "text,label\nx\"y,1\nfine,1\n\"multi\nline\",9\nlast,0\n", SKIP);
            assertEquals(List.of("fine", "last"), r.dataset().texts());
            assertEquals(1, r.report().skipped(Problem.BAD_CSV));
            assertEquals(1, r.report().skipped(Problem.UNKNOWN_LABEL));
            assertEquals(List.of(2L, 4L), r.report().examples().stream().map(LoadReport.Issue::line).toList());
        }
    }

    @Nested
    class Jsonl {
        @Test
        void integerAndNamedLabelsAndExtraKeys() throws IOException {
            String s = "{\"text\": \"great\", \"label\": 1, \"id\": 3}\n"
                    + "{\"label\": \"negative\", \"text\": \"awful\"}\n"
                    + "\n"
                    + "{\"text\": \"\u00fcber gut\", \"label\": \"1\"}\n";
            LoadResult r = load(DatasetFormat.JSONL, s, STRICT);
            assertEquals(List.of("great", "awful", "\u00fcber gut"), r.dataset().texts());
            assertEquals(List.of(1, 0, 1), List.of(r.dataset().label(0), r.dataset().label(1), r.dataset().label(2)));
            assertEquals(1, r.report().blankLines());
        }

        @Test
        void malformedLines() {
            record Case(String line, Problem expected) { }
            List<Case> cases = List.of(
                    new Case("{\"text\": \"x\", \"label\": 2}", Problem.UNKNOWN_LABEL),
                    new Case("{\"text\": \"x\", \"label\": 1.0}", Problem.UNKNOWN_LABEL),
                    new Case("{\"text\": \"x\", \"label\": true}", Problem.UNKNOWN_LABEL),
                    new Case("{\"text\": \"x\", \"label\": 99999999999999999999999}", Problem.UNKNOWN_LABEL),
                    new Case("{\"text\": \"x\", \"label\": \"neutral\"}", Problem.UNKNOWN_LABEL),
                    new Case("{\"text\": \"x\"}", Problem.MISSING_LABEL),
                    new Case("{\"text\": \"x\", \"label\": null}", Problem.MISSING_LABEL),
                    new Case("{\"label\": 1}", Problem.MISSING_TEXT),
                    new Case("{\"text\": \" \", \"label\": 1}", Problem.EMPTY_TEXT),
                    new Case("{\"text\": 5, \"label\": 1}", Problem.BAD_JSON),
                    new Case("{\"text\": \"x\", \"label\": 1", Problem.BAD_JSON),
                    new Case("{\"text\": \"x\", \"label\": 1} {}", Problem.BAD_JSON),
                    new Case("{\"text\": \"x\", \"text\": \"y\", \"label\": 1}", Problem.BAD_JSON),
                    new Case("[\"x\", 1]", Problem.BAD_JSON),
                    new Case("\"just a string\"", Problem.BAD_JSON),
                    new Case("[".repeat(5000), Problem.BAD_JSON));
            for (Case c : cases) {
                DatasetFormatException e = fails(DatasetFormat.JSONL, "{\"text\": \"ok\", \"label\": 0}\n" + c.line() + "\n", STRICT);
                assertEquals(c.expected(), e.problem(), c.line() + " -> " + e.getMessage());
                assertEquals(2, e.line(), c.line());
                assertTrue(e.getMessage().startsWith("mem.jsonl:2: "), e.getMessage());
            }
        }

        @Test
        void emptyFileAndAllSkipped() {
            assertEquals(Problem.EMPTY_FILE, fails(DatasetFormat.JSONL, "", STRICT).problem());
            assertEquals(Problem.NO_EXAMPLES, fails(DatasetFormat.JSONL, "\n\n", STRICT).problem());
            assertEquals(Problem.NO_EXAMPLES, fails(DatasetFormat.JSONL, "{}\n", SKIP).problem());
        }
    }

    @Test
    void readsFilesChoosingTheFormatByExtension(@TempDir Path dir) throws IOException {
        Path tsv = dir.resolve("a.tsv");
        Files.writeString(tsv, "label\tsentence\n1\tyes\n");
        Path csv = dir.resolve("a.CSV");
        Files.writeString(csv, "text,label\nno,0\n");
        Path jsonl = dir.resolve("a.jsonl");
        Files.writeString(jsonl, "{\"text\":\"maybe\",\"label\":1}\n");
        assertEquals("yes", DatasetReader.read(tsv, STRICT).text(0));
        assertEquals("no", DatasetReader.read(csv, STRICT).text(0));
        assertEquals("maybe", DatasetReader.read(jsonl, STRICT).text(0));
        assertEquals(tsv.toString(), DatasetReader.read(tsv, STRICT).source());
        assertThrows(IllegalArgumentException.class, () -> DatasetReader.read(dir.resolve("a.txt"), STRICT));
        Path bad = dir.resolve("bad.tsv");
        Files.writeString(bad, "label\tsentence\n1\n");
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> DatasetReader.read(bad, STRICT));
        assertEquals(bad + ":2: expected 2 tab-separated columns as in the header, found 1", e.getMessage());
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
