package dev.zoft.zo.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * Every reader, strict or skipping, on random bytes and on valid files with random mutations:
 * the only outcomes are a dataset whose examples satisfy the invariants, or a
 * {@link DatasetFormatException} with a line inside the file. Never another exception.
 */
class DatasetReaderFuzzProperties {

    private static final String VALID_TSV = "label\tsentence\n0\tslow and dull .\n1\tcaf\u00e9 was great !\n"
            + "positive\tfine\r\n\n0\tthe end\n";
    private static final String VALID_CSV = "text,label\n\"a, quoted \"\"one\"\"\",1\nplain,negative\n"
            + "\"two\nlines\",0\n\u00fcber,1\n";
    private static final String VALID_JSONL = "{\"text\": \"good\", \"label\": 1}\n{\"label\": \"negative\", \"text\": \"bad \\u00e9\"}\n"
            + "\n{\"text\": \"ok\", \"label\": \"1\", \"x\": [1, {\"y\": null}]}\n";

    private static final ReadOptions SMALL_LINES = ReadOptions.defaults().withMaxLineBytes(64);

    @Property(tries = 300)
    void randomBytes(@ForAll @Size(max = 400) byte[] bytes, @ForAll DatasetFormat format, @ForAll boolean skip) {
        check(bytes, format, ReadOptions.defaults().withSkipMalformed(skip));
        check(bytes, format, SMALL_LINES.withSkipMalformed(skip));
    }

    @Property(tries = 300)
    void randomTextFromAnAlphabetThatMeansSomething(@ForAll("structuredText") String text,
                                                    @ForAll DatasetFormat format, @ForAll boolean skip) {
        check(text.getBytes(StandardCharsets.UTF_8), format, ReadOptions.defaults().withSkipMalformed(skip));
    }

    @Property(tries = 600)
    void mutatedValidFiles(@ForAll DatasetFormat format, @ForAll long seed, @ForAll boolean skip) {
        String valid = switch (format) {
            case TSV -> VALID_TSV;
            case CSV -> VALID_CSV;
            case JSONL -> VALID_JSONL;
        };
        byte[] bytes = mutate(valid.getBytes(StandardCharsets.UTF_8), new Random(seed));
        check(bytes, format, ReadOptions.defaults().withSkipMalformed(skip));
        check(bytes, format, SMALL_LINES.withSkipMalformed(skip));
    }

    @Property(tries = 30)
    void unmutatedValidFilesLoad(@ForAll DatasetFormat format) throws Exception {
        String valid = switch (format) {
            case TSV -> VALID_TSV;
            case CSV -> VALID_CSV;
            case JSONL -> VALID_JSONL;
        };
        LoadResult r = DatasetReader.load(new ByteArrayInputStream(valid.getBytes(StandardCharsets.UTF_8)), "fuzz",
                format, ReadOptions.defaults());
        assertEquals(format == DatasetFormat.JSONL ? 3 : 4, r.dataset().size());
    }

    @Provide
    Arbitrary<String> structuredText() {
        return Arbitraries.strings()
                .withChars('\t', '\n', '\r', ',', '"', '{', '}', '[', ']', ':', ' ', '0', '1', '2', '\\', 'a', 'x', '\u00e9', '\uFEFF')
                .withChars("labeltxsn")
                .ofMaxLength(300)
                .map(s -> (s.hashCode() % 2 == 0 ? "label\tsentence\n" : "{\"text\":\"a\",\"label\":") + s);
    }

    private static void check(byte[] bytes, DatasetFormat format, ReadOptions options) {
        long lines = 1;
        for (byte b : bytes) {
            if (b == '\n') {
                lines++;
            }
        }
        try {
            LoadResult r = DatasetReader.load(new ByteArrayInputStream(bytes), "fuzz", format, options);
            Dataset d = r.dataset();
            assertFalse(d.isEmpty());
            assertEquals(d.size(), r.report().loaded());
            for (LabeledText e : d) {
                assertFalse(e.text().isBlank());
                assertTrue(e.label() >= 0 && e.label() < d.numLabels());
            }
            if (!options.skipMalformed()) {
                assertEquals(0, r.report().skippedTotal());
            }
            for (LoadReport.Issue i : r.report().examples()) {
                assertTrue(i.line() >= 1 && i.line() <= lines, i.toString());
            }
        } catch (DatasetFormatException e) {
            assertTrue(e.line() >= 0 && e.line() <= lines, e.getMessage());
            assertTrue(e.getMessage().startsWith("fuzz"), e.getMessage());
            if (options.skipMalformed()) {
                assertFalse(e.problem().rowLevel(), "row problems must be skipped: " + e.getMessage());
            }
        } catch (Exception e) {
            throw new AssertionError(format + " reader threw " + e + " on " + printable(bytes), e);
        }
    }

    /** 1–8 random edits: flip, insert or delete a byte, inserting bytes that matter to the formats. */
    private static byte[] mutate(byte[] in, Random r) {
        byte[] special = {'\t', '\n', '\r', ',', '"', '{', '}', ':', '0', '1', '9', ' ', (byte) 0xC3, (byte) 0xA9,
                (byte) 0xFF, (byte) 0x80, (byte) 0xED, 0};
        byte[] b = in.clone();
        int edits = 1 + r.nextInt(8);
        for (int k = 0; k < edits; k++) {
            int op = r.nextInt(3);
            if (b.length == 0) {
                op = 1;
            }
            int at = r.nextInt(Math.max(1, b.length));
            byte v = r.nextBoolean() ? special[r.nextInt(special.length)] : (byte) r.nextInt(256);
            switch (op) {
                case 0 -> b[at] = v;
                case 1 -> {
                    byte[] c = new byte[b.length + 1];
                    System.arraycopy(b, 0, c, 0, at);
                    c[at] = v;
                    System.arraycopy(b, at, c, at + 1, b.length - at);
                    b = c;
                }
                default -> {
                    byte[] c = new byte[b.length - 1];
                    System.arraycopy(b, 0, c, 0, at);
                    System.arraycopy(b, at + 1, c, at, b.length - at - 1);
                    b = c;
                }
            }
        }
        return b;
    }

    private static String printable(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (byte b : bytes) {
            int v = b & 0xFF;
            sb.append(v >= 0x20 && v < 0x7F && v != '\\' ? String.valueOf((char) v) : String.format("\\x%02x", v));
        }
        return sb.toString();
    }
}
