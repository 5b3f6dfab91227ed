package dev.zoft.perf.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Runs {@code perf/reference/reference.py} for the groups and thread counts the chosen rows need,
 * so the reference is measured on this machine in the same command as zoft's figures. Its
 * progress goes to standard error; its figures to a JSON file.
 */
public final class ReferenceScript {
    private final String python;
    private final Path script;

    public ReferenceScript(String python, Path script) {
        this.python = python;
        this.script = script;
    }

    /** The command that measures what {@code rows} compare with into {@code out}; null if they need nothing. */
    List<String> command(List<Row> rows, boolean quick, Path out) {
        Set<String> groups = new TreeSet<>();
        Set<Integer> threads = new TreeSet<>();
        for (Row r : rows) {
            if (r.reference() != null) {
                groups.add(r.reference().group());
                threads.add(r.reference().threads());
            }
        }
        if (groups.isEmpty()) {
            return null;
        }
        List<String> cmd = new ArrayList<>(List.of(python, script.toString(), "--out", out.toString(),
                "--only", String.join(",", groups),
                "--threads", threads.stream().map(String::valueOf).collect(Collectors.joining(","))));
        if (quick) {
            cmd.add("--quick");
        }
        return cmd;
    }

    /**
     * Runs the script and reads what it wrote, or returns no figures ({@link ReferenceFigures#missing}) if the
     * rows need no reference.
     *
     * @throws IOException if the script is missing, cannot start or fails (its exit code is given)
     */
    public ReferenceFigures measure(List<Row> rows, boolean quick, Path out) throws IOException, InterruptedException {
        List<String> cmd = command(rows, quick, out);
        if (cmd == null) {
            return ReferenceFigures.missing("none needed by the chosen rows");
        }
        if (!Files.isRegularFile(script)) {
            throw new IOException("reference script " + script + " does not exist");
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        System.err.println("bench: " + String.join(" ", cmd));
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.INHERIT)
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        } catch (IOException e) {
            throw new IOException("cannot start " + python + " (the reference needs torch 1.13 and numpy; "
                    + "pass --python PATH, --reference FILE or --no-reference): " + e.getMessage(), e);
        }
        int exit = p.waitFor();
        if (exit != 0) {
            throw new IOException("reference script failed with exit code " + exit + ": " + String.join(" ", cmd));
        }
        return ReferenceFigures.loadExisting(out);
    }
}
