package dev.zoft.perf.bench;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One JMH benchmark method with its {@code @Param} values, or (with a null {@code method}) a main
 * class the table does not run itself. Param values and JVM arguments may hold the placeholders
 * {@value #BITS} (the pinned vector width in bits) and {@value #WIDTH} (its {@code VectorWidth}
 * name), filled by {@link #resolve}.
 *
 * @param className   the benchmark's fully qualified class name
 * @param method      the {@code @Benchmark} method, or null for a main class
 * @param params      {@code @Param} field → value, in a fixed order
 * @param resultLabel the secondary result to read (e.g. an {@code @AuxCounters} field), or null for the primary score
 */
public record BenchmarkSpec(String className, String method, Map<String, String> params, String resultLabel) {
    public static final String BITS = "{bits}";
    public static final String WIDTH = "{width}";

    public BenchmarkSpec {
        if (className == null || className.isBlank()) {
            throw new IllegalArgumentException("a benchmark needs its class name");
        }
        params = params == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }

    /** The primary score of {@code className.method} at {@code params} (name, value, name, value, …). */
    public static BenchmarkSpec of(String className, String method, String... params) {
        if (params.length % 2 != 0) {
            throw new IllegalArgumentException("params come in name, value pairs, got " + Arrays.toString(params));
        }
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < params.length; i += 2) {
            if (map.put(params[i], params[i + 1]) != null) {
                throw new IllegalArgumentException("param " + params[i] + " given twice");
            }
        }
        return new BenchmarkSpec(className, method, map, null);
    }

    /** A main class, listed so its reference and issue figures appear; the table does not run it. */
    public static BenchmarkSpec mainClass(String className) {
        return new BenchmarkSpec(className, null, Map.of(), null);
    }

    /** The same run, reading the secondary result {@code label} instead of the primary score. */
    public BenchmarkSpec secondary(String label) {
        return new BenchmarkSpec(className, method, params, label);
    }

    public boolean isJmh() {
        return method != null;
    }

    /** The same benchmark and params without the result label: rows with equal run keys share one JMH run. */
    public BenchmarkSpec runKey() {
        return resultLabel == null ? this : new BenchmarkSpec(className, method, params, null);
    }

    /** The JMH include pattern matching exactly this method. */
    public String includePattern() {
        return "^" + java.util.regex.Pattern.quote(className + "." + method) + "$";
    }

    /** This spec with {@value #BITS} and {@value #WIDTH} replaced in the param values. */
    public BenchmarkSpec resolve(int bits, String widthName) {
        Map<String, String> p = new LinkedHashMap<>();
        params.forEach((k, v) -> p.put(k, v.replace(BITS, Integer.toString(bits)).replace(WIDTH, widthName)));
        return new BenchmarkSpec(className, method, p, resultLabel);
    }

    /**
     * Why this spec cannot run from {@code loader}, or empty if it can: the class is missing (not
     * merged yet), the method is not a {@code @Benchmark}, a param is not a {@code @Param} field
     * JMH sets for the method (the class's or its {@code @State} arguments', superclasses
     * included), or such a field is left open (the row definition no longer matches the benchmark).
     */
    public Optional<String> unavailable(ClassLoader loader) {
        Class<?> c;
        try {
            c = Class.forName(className, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            return Optional.of(simpleName() + " is not on the classpath (not merged yet)");
        }
        if (method == null) {
            return Optional.empty();
        }
        try {
            return mismatch(c);
        } catch (LinkageError e) {
            // Reflection resolves field and parameter types: a class built against other sources can fail here.
            return Optional.of("cannot inspect " + simpleName() + ": " + e);
        }
    }

    private Optional<String> mismatch(Class<?> c) {
        Optional<Method> m = benchmarkMethod(c);
        if (m.isEmpty()) {
            return Optional.of(simpleName() + " has no @Benchmark method " + method + "(): the row definition needs updating");
        }
        Map<String, Field> declared = paramFields(c, m.get());
        for (String p : params.keySet()) {
            if (!declared.containsKey(p)) {
                return Optional.of(simpleName() + "." + method + " has no @Param field '" + p + "': the row definition needs updating");
            }
        }
        for (String p : declared.keySet()) {
            if (!params.containsKey(p)) {
                // JMH would run every value of an open param: one row must be one configuration.
                return Optional.of(simpleName() + "." + method + "'s @Param '" + p + "' is not set by the row: the row definition needs updating");
            }
        }
        return Optional.empty();
    }

    /**
     * The JVM arguments the benchmark pins in {@code @Fork(jvmArgsAppend)} (the method's
     * annotation over the class's). JMH drops those when the options set their own, so the table
     * passes them on with its additions.
     */
    public List<String> pinnedForkArgs(ClassLoader loader) {
        try {
            Class<?> c = Class.forName(className, false, loader);
            Fork fork = benchmarkMethod(c).map(m -> m.getAnnotation(Fork.class)).orElse(null);
            if (fork == null) {
                fork = c.getAnnotation(Fork.class);
            }
            List<String> args = new ArrayList<>();
            if (fork != null) {
                for (String a : fork.jvmArgsAppend()) {
                    if (!a.equals(Fork.BLANK_ARGS)) {
                        args.add(a);
                    }
                }
            }
            return args;
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(className + " is not on the classpath", e);
        }
    }

    /** The class name without its package. */
    public String simpleName() {
        return className.substring(className.lastIndexOf('.') + 1);
    }

    private Optional<Method> benchmarkMethod(Class<?> c) {
        for (Method m : c.getMethods()) {
            if (m.getName().equals(method) && m.isAnnotationPresent(Benchmark.class)) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    /**
     * The {@code @Param} fields JMH sets for {@code m}: those of the benchmark class and of every
     * {@code @State} class the method takes, or that their {@code @Setup}/{@code @TearDown}
     * methods take, with their superclasses.
     */
    private static Map<String, Field> paramFields(Class<?> benchmark, Method m) {
        Map<String, Field> out = new LinkedHashMap<>();
        java.util.Deque<Class<?>> todo = new java.util.ArrayDeque<>();
        java.util.Set<Class<?>> seen = new java.util.HashSet<>();
        todo.add(benchmark);
        todo.addAll(List.of(m.getParameterTypes()));
        while (!todo.isEmpty()) {
            Class<?> state = todo.poll();
            if (!seen.add(state) || state.isPrimitive() || state.getName().startsWith("org.openjdk.jmh.")) {
                continue;
            }
            for (Class<?> k = state; k != null && k != Object.class; k = k.getSuperclass()) {
                for (Field f : k.getDeclaredFields()) {
                    if (f.isAnnotationPresent(Param.class)) {
                        out.putIfAbsent(f.getName(), f);
                    }
                }
                for (Method lifecycle : k.getDeclaredMethods()) {
                    if (lifecycle.isAnnotationPresent(Setup.class) || lifecycle.isAnnotationPresent(TearDown.class)) {
                        todo.addAll(List.of(lifecycle.getParameterTypes()));
                    }
                }
            }
        }
        return out;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(simpleName());
        if (method != null) {
            b.append('.').append(method);
        }
        params.forEach((k, v) -> b.append(' ').append(k).append('=').append(v));
        if (resultLabel != null) {
            b.append(" [").append(resultLabel).append(']');
        }
        return b.toString();
    }
}
