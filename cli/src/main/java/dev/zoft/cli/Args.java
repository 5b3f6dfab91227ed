package dev.zoft.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The arguments of one subcommand: {@code --name value} options (or {@code --name=value}), bare
 * {@code --flag}s and positional words. Unknown options are usage errors, so a typo never runs a
 * job with defaults the user did not ask for.
 */
final class Args {
    private final Map<String, String> options = new LinkedHashMap<>();
    private final List<String> positional = new ArrayList<>();

    private Args() {
    }

    /**
     * @param valued options that take a value
     * @param flags  options that take none
     */
    static Args parse(List<String> argv, Set<String> valued, Set<String> flags) {
        Args a = new Args();
        for (int i = 0; i < argv.size(); i++) {
            String arg = argv.get(i);
            if (arg.equals("--")) {
                a.positional.addAll(argv.subList(i + 1, argv.size()));
                break;
            }
            if (!arg.startsWith("--") || arg.length() == 2) {
                a.positional.add(arg);
                continue;
            }
            String name = arg.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (flags.contains(name)) {
                if (value != null) {
                    throw new UsageException("--" + name + " takes no value");
                }
                a.options.put(name, "true");
            } else if (valued.contains(name)) {
                if (value == null) {
                    if (i + 1 >= argv.size()) {
                        throw new UsageException("--" + name + " needs a value");
                    }
                    value = argv.get(++i);
                }
                a.options.put(name, value);
            } else {
                throw new UsageException("unknown option --" + name);
            }
        }
        return a;
    }

    List<String> positional() {
        return positional;
    }

    boolean flag(String name) {
        return options.containsKey(name);
    }

    String string(String name, String fallback) {
        return options.getOrDefault(name, fallback);
    }

    int integer(String name, int fallback, int min, int max) {
        String v = options.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n < min || n > max) {
                throw new UsageException("--" + name + " must be between " + min + " and " + max + ", got " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be a whole number, got '" + v + "'");
        }
    }

    /** Whether the option was given (valued or flag). */
    boolean has(String name) {
        return options.containsKey(name);
    }

    /** A valued option that must be given. */
    String required(String name) {
        String v = options.get(name);
        if (v == null) {
            throw new UsageException("--" + name + " is required");
        }
        return v;
    }

    long longInteger(String name, long fallback, long min, long max) {
        String v = options.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            long n = Long.parseLong(v.trim());
            if (n < min || n > max) {
                throw new UsageException("--" + name + " must be between " + min + " and " + max + ", got " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be a whole number, got '" + v + "'");
        }
    }

    /**
     * A finite decimal number in {@code [min, max]} ({@code 1e-3} notation accepted). NaN and
     * infinities are refused by the range check, so they never reach the engine.
     */
    double real(String name, double fallback, double min, double max) {
        String v = options.get(name);
        if (v == null) {
            return fallback;
        }
        double x;
        try {
            x = Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be a number, got '" + v + "'");
        }
        if (!(x >= min && x <= max)) {
            throw new UsageException("--" + name + " must be between " + min + " and " + max + ", got " + v.trim());
        }
        return x;
    }

    /** One of {@code choices} (case-insensitive), returned lower-case. */
    String choice(String name, String fallback, java.util.List<String> choices) {
        String v = options.get(name);
        if (v == null) {
            return fallback;
        }
        String s = v.trim().toLowerCase(java.util.Locale.ROOT);
        if (!choices.contains(s)) {
            throw new UsageException("--" + name + " must be one of " + String.join(", ", choices) + ", got '" + v + "'");
        }
        return s;
    }

    /** Fails unless no positional argument was given. */
    void noPositional(String command) {
        if (!positional.isEmpty()) {
            throw new UsageException(command + " takes no positional arguments, got " + positional);
        }
    }
}
