package dev.zoft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MainTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... argv) {
        return Main.run(argv, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void noArgumentsPrintsOverviewAndExits2() {
        assertEquals(2, run());
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("usage: zoft <command>"));
    }

    @Test
    void unknownCommandIsAUsageErrorWithoutStackTrace() {
        assertEquals(2, run("frobnicate"));
        assertTrue(err().contains("unknown command 'frobnicate'"));
        assertFalse(err().contains("Exception"));
    }

    @Test
    void unknownOptionIsAUsageError() {
        assertEquals(2, run("embed", "--nope", "x"));
        assertTrue(err().contains("unknown option --nope"), err());
        assertFalse(err().contains("\tat "), err());
    }

    @Test
    void badNumberIsAUsageError() {
        assertEquals(2, run("embed", "--threads", "two", "hello"));
        assertTrue(err().contains("--threads must be a whole number"), err());
    }

    @Test
    void helpOfACommandExits0() {
        assertEquals(0, run("help", "demo"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("zoft demo"));
    }

    @Test
    void missingInputFileIsAnErrorNamingTheFile() {
        assertEquals(1, run("embed", "--file", "/no/such/zoft-input.txt"));
        assertTrue(err().contains("no such file: /no/such/zoft-input.txt"), err());
        assertFalse(err().contains("\tat "), err());
    }

    @Test
    void textsAndFileTogetherIsAUsageError() {
        assertEquals(2, run("embed", "--file", "x.txt", "hello"));
        assertTrue(err().contains("give texts or --file, not both"), err());
    }

    @Test
    void demoEmbedsWithTheBundledModelAndRanksTheTwoPraisesClosest() {
        assertEquals(0, run("demo", "--threads", "2"), err());
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("all-MiniLM-L6-v2 loaded"), text);
        // Row [0] of the table: the praise [1] must be closer to [0] than every other sentence.
        String row0 = text.lines().filter(l -> l.trim().startsWith("[0]") && !l.contains("film")).findFirst().orElseThrow();
        String[] cells = row0.trim().substring(3).trim().split("\\s+");
        float toPraise = Float.parseFloat(cells[1]);
        assertEquals(1.0f, Float.parseFloat(cells[0]), 1e-3f);
        for (int j = 2; j < cells.length; j++) {
            assertTrue(toPraise > Float.parseFloat(cells[j]), row0);
        }
    }
}
