package dev.zoft.perf.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The command line of {@code ./zoft bench}.
 *
 * @param quick     short JMH runs and {@code reference.py --quick}: a smoke table, not figures to quote
 * @param reference a reference JSON to read instead of running the script, or null
 * @param noReference run no reference at all
 * @param only      row ids or groups to run (empty: all)
 * @param python    the interpreter with torch and numpy
 * @param bits      the vector width pinned in every fork, or −1 for the host's
 * @param out       where the Markdown table is written
 * @param list      print the rows and exit
 */
public record BenchOptions(boolean quick, Path reference, boolean noReference, List<String> only, String python,
                           int bits, Path out, boolean list) {
    public static final String USAGE = """
            usage: zoft bench [--quick] [--reference FILE | --no-reference] [--only ROWS] [--bits N]
                              [--python PATH] [--out FILE] [--list]
              --quick           short JMH runs (1 × 1 s warm-up and measurement) and reference.py --quick
              --reference FILE  read the reference figures from FILE instead of running reference.py
              --no-reference    no reference figures (the issue's figures are still shown)
              --only ROWS       comma-separated row groups or row ids (see --list)
              --bits N          vector width pinned in every fork: 0, 128, 256, 512 (default: the host's)
              --python PATH     interpreter with torch 1.13 and numpy (default /usr/bin/python3)
              --out FILE        Markdown output (default perf/target/bench.md)
              --list            print the rows (group, id, benchmark) and exit
            """;

    public BenchOptions {
        only = List.copyOf(only);
        if (reference != null && noReference) {
            throw new IllegalArgumentException("--reference and --no-reference exclude each other");
        }
        if (bits != -1 && bits != 0 && bits != 128 && bits != 256 && bits != 512) {
            throw new IllegalArgumentException("--bits must be 0, 128, 256 or 512, got " + bits);
        }
    }

    /** Parses {@code args}; {@code home} is the project folder (default output path). */
    public static BenchOptions parse(String[] args, Path home) {
        boolean quick = false;
        boolean noRef = false;
        boolean list = false;
        Path ref = null;
        List<String> only = new ArrayList<>();
        String python = "/usr/bin/python3";
        int bits = -1;
        Path out = home.resolve("perf/target/bench.md");
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--quick" -> quick = true;
                case "--no-reference" -> noRef = true;
                case "--list" -> list = true;
                case "--reference" -> ref = Path.of(value(args, ++i, a));
                case "--only" -> {
                    for (String s : value(args, ++i, a).split(",")) {
                        if (!s.isBlank()) {
                            only.add(s.trim());
                        }
                    }
                }
                case "--python" -> python = value(args, ++i, a);
                case "--out" -> out = Path.of(value(args, ++i, a));
                case "--bits" -> {
                    String v = value(args, ++i, a);
                    try {
                        bits = Integer.parseInt(v);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("--bits wants a number of bits, got " + v);
                    }
                }
                default -> throw new IllegalArgumentException("unknown option " + a + "\n" + USAGE);
            }
        }
        return new BenchOptions(quick, ref, noRef, only, python, bits, out, list);
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length || args[i].startsWith("--")) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    /**
     * The rows {@link #only} selects, in table order.
     *
     * @throws IllegalArgumentException if a name matches no row id or group, listing the groups
     */
    public List<Row> select(List<Row> rows) {
        if (only.isEmpty()) {
            return rows;
        }
        Set<String> unknown = new LinkedHashSet<>(only);
        List<Row> out = new ArrayList<>();
        for (Row r : rows) {
            if (only.contains(r.id()) || only.contains(r.group())) {
                out.add(r);
                unknown.remove(r.id());
                unknown.remove(r.group());
            }
        }
        if (!unknown.isEmpty()) {
            Set<String> groups = new TreeSet<>();
            rows.forEach(r -> groups.add(r.group()));
            throw new IllegalArgumentException("--only: no row or group named " + unknown + "; groups are " + groups
                    + " (--list shows the row ids)");
        }
        return out;
    }
}
