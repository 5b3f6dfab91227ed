package dev.zoft.federation.experiment;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The results CSV of an experiment, one row per finished cell. Every append rewrites the whole file
 * beside it and renames it over the old one (an atomic move), so the file on disk always holds
 * exactly the cells finished so far: a run killed at any moment leaves a valid file, and a restart
 * skips the cells it lists.
 */
public final class ResultsStore {

    private final Path file;
    private final Map<String, CellResult> rows = new LinkedHashMap<>();

    private ResultsStore(Path file) {
        this.file = file;
    }

    /** The store in {@code file}: its rows if it exists, else empty. */
    public static ResultsStore open(Path file) throws IOException {
        ResultsStore s = new ResultsStore(file);
        if (Files.exists(file)) {
            List<String> lines = Files.readAllLines(file);
            if (lines.isEmpty() || !lines.getFirst().equals(CellResult.CSV_HEADER)) {
                throw new IOException(file + ": not an experiment results CSV (unexpected header)");
            }
            for (int i = 1; i < lines.size(); i++) {
                if (lines.get(i).isEmpty()) {
                    continue;
                }
                CellResult r = CellResult.parse(lines.get(i), file, i + 1);
                if (s.rows.put(r.id(), r) != null) {
                    throw new IOException(file + ": line " + (i + 1) + " repeats cell " + r.id());
                }
            }
        }
        return s;
    }

    public boolean has(String cellId) {
        return rows.containsKey(cellId);
    }

    public List<CellResult> rows() {
        return List.copyOf(rows.values());
    }

    public Path file() {
        return file;
    }

    /** Adds a finished cell and makes the file say so, atomically. */
    public void append(CellResult r) throws IOException {
        if (rows.containsKey(r.id())) {
            throw new IllegalArgumentException("cell " + r.id() + " is already in " + file);
        }
        List<CellResult> next = new ArrayList<>(rows.values());
        next.add(r);
        StringBuilder sb = new StringBuilder(CellResult.CSV_HEADER).append('\n');
        for (CellResult c : next) {
            sb.append(c.toCsvRow()).append('\n');
        }
        writeAtomically(file, sb.toString());
        rows.put(r.id(), r);
    }

    /** Writes {@code text} to a temporary file beside {@code target}, forces it, and renames it over target. */
    static void writeAtomically(Path target, String text) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve("." + target.getFileName() + ".tmp");
        Files.writeString(tmp, text);
        try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
