package dev.zoft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private long now;

    private String text() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void notOnATerminalItPrintsOneLinePerTenPercentAndNoCarriageReturns() {
        try (ProgressBar bar = new ProgressBar("finetune", "step", 1000, out, false, 10, () -> now)) {
            for (int i = 1; i <= 1000; i++) {
                now += 50_000_000L; // 20 steps per second
                bar.step("loss 0.5");
            }
        }
        List<String> lines = text().lines().toList();
        assertFalse(text().contains("\r"));
        // 0 % (the first step), 10 %, ..., 100 %: 11 lines however many updates.
        assertEquals(11, lines.size(), text());
        assertTrue(lines.get(5).startsWith("finetune [##########..........]  500/1000  50%"), lines.get(5));
        assertTrue(lines.get(5).contains("20.0 step/s") && lines.get(5).contains("ETA 25s") && lines.get(5).endsWith("loss 0.5"),
                lines.get(5));
        assertTrue(lines.get(10).contains("1000/1000 100%") && lines.get(10).contains("in 50s"), lines.get(10));
    }

    @Test
    void onATerminalItRedrawsInPlaceAtMostEvery100Ms() {
        ProgressBar bar = new ProgressBar("sim", "round", 50, out, true, 10, () -> now);
        for (int i = 1; i <= 50; i++) {
            now += 10_000_000L; // 10 ms per round: only every 10th update is due
            bar.update(i, i == 50 ? "dev 80.0 %" : "dev 70.0 %");
        }
        bar.close();
        String t = text();
        long redraws = t.chars().filter(c -> c == '\r').count();
        assertTrue(redraws >= 5 && redraws <= 8, redraws + " redraws: " + t);
        assertTrue(t.endsWith("\n"));
        String last = t.substring(t.lastIndexOf('\r') + 1).strip();
        assertTrue(last.startsWith("sim [####################] 50/50 100%"), last);
        assertTrue(last.endsWith("dev 80.0 %"), last);
    }

    @Test
    void aShortStatusOverwritesTheTailOfALongerOne() {
        ProgressBar bar = new ProgressBar("x", "step", 10, out, true, 10, () -> now);
        bar.update(1, "a very long status text");
        now += 200_000_000L;
        bar.update(2, "short");
        String second = text().substring(text().lastIndexOf('\r') + 1);
        String first = text().substring(1, text().lastIndexOf('\r'));
        assertTrue(second.length() >= first.length(), "the second draw must cover the first");
    }

    @Test
    void aRunStoppedEarlyPrintsWhereItStopped() {
        try (ProgressBar bar = new ProgressBar("x", "step", 100, out, false, 25, () -> now)) {
            for (int i = 1; i <= 37; i++) {
                now += 1_000_000_000L;
                bar.step("");
            }
        }
        List<String> lines = text().lines().toList();
        assertEquals(3, lines.size(), text()); // 0 %, 25 %, and the 37 % where it stopped
        assertTrue(lines.get(2).contains("37/100  37%"), lines.get(2));
    }

    @Test
    void durationsAndArguments() {
        assertEquals("45s", ProgressBar.duration(44.6));
        assertEquals("3m07s", ProgressBar.duration(187));
        assertEquals("2h05m", ProgressBar.duration(7500));
        assertEquals("?", ProgressBar.duration(Double.POSITIVE_INFINITY));
        assertThrows(IllegalArgumentException.class, () -> new ProgressBar("x", "s", 0, out, false, 10, () -> 0));
        assertThrows(IllegalArgumentException.class, () -> new ProgressBar("x", "s", 5, out, false, 0, () -> 0));
    }
}
