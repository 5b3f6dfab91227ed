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
}
