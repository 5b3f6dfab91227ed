package dev.zoft.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * A progress line for long work, on stderr so that stdout stays the command's result:
 *
 * <pre>
 *   finetune [########............]  120/300  40%  2.1 step/s  ETA 1m26s  loss 0.412  dev 84.0 %
 * </pre>
 *
 * On a terminal the line is redrawn in place with {@code \r} (at most every
 * {@value #REDRAW_NANOS_MS} ms, and always at the end). Elsewhere (a CI log, a redirect) a redraw
 * would spam the log with hundreds of lines, so a full line is printed only when progress crosses
 * the next multiple of {@code everyPercent} percent, plus the last one.
 *
 * <p>The rate and the ETA are measured from the first {@link #update} (so a model's load time
 * before it does not distort them): ETA = remaining units / (units done since then / elapsed).
 * Not thread-safe: call from the thread that does the work.
 */
final class ProgressBar implements AutoCloseable {
    static final long REDRAW_NANOS_MS = 100;
    private static final int BAR_WIDTH = 20;

    private final String label;
    private final String unit;
    private final long total;
    private final PrintStream out;
    private final boolean interactive;
    private final int everyPercent;
    private final LongSupplier clock;
    private final long startNanos;

    private long done;
    private String status = "";
    private long lastDrawNanos = Long.MIN_VALUE;
    private int lastPrintedPercent = -1;
    private int drawnLength;
    private boolean closed;

    /**
     * @param label        what is progressing (e.g. "finetune")
     * @param unit         the unit of the rate (e.g. "step", "round")
     * @param total        units of work in all (at least 1)
     * @param out          where to draw (stderr in the commands)
     * @param interactive  redraw in place ({@code \r}) rather than print a line every few percent
     * @param everyPercent when not interactive, print a line each time this many percent more are done
     * @param clock        nanosecond clock ({@code System::nanoTime}; tests pass a fake)
     */
    ProgressBar(String label, String unit, long total, PrintStream out, boolean interactive, int everyPercent,
                LongSupplier clock) {
        if (total < 1) {
            throw new IllegalArgumentException("a progress bar needs at least one unit of work, got " + total);
        }
        if (everyPercent < 1 || everyPercent > 100) {
            throw new IllegalArgumentException("everyPercent must be in [1, 100], got " + everyPercent);
        }
        this.label = Objects.requireNonNull(label, "label");
        this.unit = Objects.requireNonNull(unit, "unit");
        this.total = total;
        this.out = Objects.requireNonNull(out, "out");
        this.interactive = interactive;
        this.everyPercent = everyPercent;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.startNanos = clock.getAsLong();
    }

    /**
     * A bar on {@code System.err}, redrawn in place when the process talks to a terminal and
     * printing a line every 10 % otherwise.
     */
    static ProgressBar onStderr(String label, String unit, long total) {
        return new ProgressBar(label, unit, total, System.err, isTerminal(), 10, System::nanoTime);
    }

    /**
     * Whether the JVM talks to a terminal. Since JDK 22 {@code System.console()} is non-null even
     * when redirected, so {@link java.io.Console#isTerminal()} is the real test.
     */
    static boolean isTerminal() {
        java.io.Console c = System.console();
        return c != null && c.isTerminal();
    }

    /** {@code done} units finished; {@code status} (e.g. "loss 0.41") is shown after the ETA. */
    void update(long done, String status) {
        if (closed) {
            throw new IllegalStateException("progress bar is closed");
        }
        this.done = Math.max(0, Math.min(done, total));
        this.status = status == null ? "" : status;
        draw(false);
    }

    /** One more unit finished. */
    void step(String status) {
        update(done + 1, status);
    }

    long done() {
        return done;
    }

    /** The line as it would be drawn now (without {@code \r} or newline). */
    String render() {
        long now = clock.getAsLong();
        double elapsed = (now - startNanos) / 1e9;
        int percent = (int) (100 * done / total);
        StringBuilder sb = new StringBuilder(label).append(" [");
        int filled = (int) (BAR_WIDTH * done / total);
        sb.append("#".repeat(filled)).append(".".repeat(BAR_WIDTH - filled)).append("] ");
        String totalText = Long.toString(total);
        sb.append(String.format(Locale.ROOT, "%" + totalText.length() + "d/%s %3d%%", done, totalText, percent));
        if (done > 0 && elapsed > 0) {
            double rate = done / elapsed;
            sb.append("  ").append(rate >= 1 ? String.format(Locale.ROOT, "%.1f %s/s", rate, unit)
                    : String.format(Locale.ROOT, "%.1f s/%s", 1 / rate, unit));
            if (done < total) {
                sb.append("  ETA ").append(duration((total - done) / rate));
            } else {
                sb.append("  in ").append(duration(elapsed));
            }
        }
        if (!status.isEmpty()) {
            sb.append("  ").append(status);
        }
        return sb.toString();
    }

    /** Seconds as {@code 45s}, {@code 3m07s} or {@code 2h05m}. */
    static String duration(double seconds) {
        if (!Double.isFinite(seconds) || seconds < 0) {
            return "?";
        }
        long s = Math.round(seconds);
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
    }

    private void draw(boolean last) {
        long now = clock.getAsLong();
        if (interactive) {
            boolean due = last || done == total || lastDrawNanos == Long.MIN_VALUE
                    || now - lastDrawNanos >= REDRAW_NANOS_MS * 1_000_000;
            if (!due) {
                return;
            }
            String line = render();
            // Pad with spaces over the tail of a longer previous line, then come back to column 0.
            int pad = Math.max(0, drawnLength - line.length());
            out.print("\r" + line + " ".repeat(pad));
            drawnLength = line.length();
            lastDrawNanos = now;
            out.flush();
        } else {
            int percent = (int) (100 * done / total);
            int bucket = percent / everyPercent * everyPercent;
            if (last ? lastPrintedPercent != percent : bucket > lastPrintedPercent && done > 0) {
                out.println(render());
                lastPrintedPercent = last ? percent : bucket;
                out.flush();
            }
        }
    }

    /** Draws the final state and ends the line. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (interactive) {
            if (lastDrawNanos != Long.MIN_VALUE) {
                draw(true);
                out.println();
            }
        } else if (done > 0) {
            draw(true);
        }
    }
}
