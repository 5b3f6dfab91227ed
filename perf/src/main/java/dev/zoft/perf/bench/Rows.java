package dev.zoft.perf.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * Every row of {@code ./zoft bench}, in table order: the one place that says which benchmark
 * measures which figure, how a score becomes the figure, which {@code reference.py} key it is
 * compared with, issue 4's figure and the target. Adding a figure means adding a row here.
 *
 * <p>Some rows name benchmarks other work on issue 4 is adding (FmaPeakBenchmark,
 * FusedGemmBenchmark, PerturbationPassBenchmark, ZoStepBenchmark, PeakMemory); until their class
 * is on the classpath the row is skipped with a note, and if the class does not match the row
 * (method, {@code @Param}s) the row is skipped saying so ({@code RowsTest} fails then too).
 */
public final class Rows {
    private Rows() {
    }

    static final String PERF = "dev.zoft.perf.";
    static final int[] THREADS = {1, 2};

    // Issue 4's reference figures (same machine kind, medians), index = threads − 1.
    static final double[] FMA_PEAK_GFLOPS = {269, 529};
    static final double[] OPENBLAS_GFLOPS = {240, 450};
    static final double[] STREAM_GBPS = {39, 44};
    static final double[] TORCH_MINILM_TOKENS = {7166, 11220};
    static final double[] TORCH_MINILM_MEZO_MS = {622, 485};
    static final double[] TORCH_SMOLLM_TOKENS = {475, 972};
    static final double[] TORCH_SMOLLM_MEZO_MS = {5262, 4059};
    static final double[] TORCH_SMOLLM_MEZO_OUTSIDE_PERCENT = {31, 41};
    static final double[] LLAMA_CPP_PREFILL_TOKENS = {619, 904};
    static final double TORCH_PERTURB_NS_PER_PARAM = 3.1;
    static final double TORCH_MEZO_PEAK_RSS_MIB = 1392;

    /** (M, K, N) of {@code out = x·wᵀ}: the issue's two shapes at 1024 tokens, then MiniLM's FFN up and down. */
    static final int[][] GEMM_SHAPES = {{1024, 384, 1536}, {1024, 768, 3072}, {512, 384, 1536}, {2048, 1536, 384}};

    /** All rows, in table order. */
    public static List<Row> all() {
        List<Row> rows = new ArrayList<>();
        fmaPeak(rows);
        gemm(rows);
        fusedGemm(rows);
        encoderForward(rows);
        decoderForward(rows);
        generator(rows);
        perturbationPass(rows);
        zoStep(rows);
        memory(rows);
        return List.copyOf(rows);
    }

    private static String threads(int t) {
        return t == 1 ? "1 thread" : t + " threads";
    }

    /** The JVM's FP32 FMA peak (the coordinator's FmaPeakBenchmark): the ceiling GEMM rows show their share of. */
    private static void fmaPeak(List<Row> rows) {
        String cls = PERF + "FmaPeakBenchmark";
        double flopPerThread = staticDouble(cls, "FLOP_PER_THREAD");
        for (int t : THREADS) {
            rows.add(Row.builder("fma-peak-t" + t, "peak", "FP32 FMA peak (512-bit), " + threads(t), "GFLOP/s")
                    .bench(BenchmarkSpec.of(cls, "fmaChains", "threads", "" + t), Conversion.gflopsFromMillis(flopPerThread * t))
                    .issue(FMA_PEAK_GFLOPS[t - 1])
                    .note("FMA peak: register-only 512-bit FMA chains in Java; GEMM rows show their share of it when it ran "
                            + "in the same command, else of the issue's 269 / 529 GFLOP/s.")
                    .build());
        }
    }

    /**
     * A {@code public static final double} of a benchmark class, read reflectively so the row uses
     * the benchmark's own constant; 1 if the class is absent (the row is skipped then anyway).
     */
    static double staticDouble(String className, String field) {
        try {
            return Class.forName(className, false, Rows.class.getClassLoader()).getField(field).getDouble(null);
        } catch (ClassNotFoundException e) {
            return 1;
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException(className + "." + field + " is not a readable public static double: "
                    + "the row definition needs updating", e);
        }
    }

    private static void gemm(List<Row> rows) {
        for (int[] s : GEMM_SHAPES) {
            String mkn = s[0] + "x" + s[1] + "x" + s[2];
            for (int t : THREADS) {
                double peak85 = 0.85 * FMA_PEAK_GFLOPS[t - 1];
                rows.add(Row.builder("gemm-" + mkn + "-t" + t, "gemm",
                                "SGEMM " + s[0] + "×" + s[1] + "×" + s[2] + ", " + threads(t), "GFLOP/s")
                        .bench(BenchmarkSpec.of(PERF + "GemmBenchmark", "matmulTransposed", "tokens", "" + s[0],
                                        "shape", s[1] + "x" + s[2], "threads", "" + t, "bits", BenchmarkSpec.BITS),
                                Conversion.gflopsFromMillis(2.0 * s[0] * s[1] * s[2]))
                        .reference(ReferenceKey.of("sgemm", t, "sgemm_numpy_gflops." + mkn))
                        .issue(OPENBLAS_GFLOPS[t - 1])
                        .peak(FMA_PEAK_GFLOPS[t - 1], "fma-peak-t" + t)
                        .target(Target.allOf(Target.timesReference(1.0),
                                Target.atLeast(peak85, "85 % of the " + (int) FMA_PEAK_GFLOPS[t - 1] + " GFLOP/s FMA peak")))
                        .note("SGEMM: zoft adds the bias in the same pass; the reference is OpenBLAS through numpy's "
                                + "`x @ w.T` (torch.mm and torch.addmm with the bias are in reference.json too).")
                        .build());
            }
        }
    }

    /** The coordinator's FusedGemmBenchmark: cost of generating z inside the GEMM over the plain GEMM, same shape and threads. */
    private static void fusedGemm(List<Row> rows) {
        String cls = PERF + "FusedGemmBenchmark";
        String[][] modes = {{"GAUSSIAN", "Gaussian", "10"}, {"RADEMACHER", "Rademacher", "3"}};
        String[] shapes = {"384x1536", "768x3072"};
        for (String shape : shapes) {
            String[] kn = shape.split("x");
            for (String[] mode : modes) {
                for (int t : THREADS) {
                    rows.add(Row.builder("fused-" + mode[0].toLowerCase() + "-" + shape + "-t" + t, "fused",
                                    "fused perturbation GEMM overhead, " + mode[1] + ", 1024×" + kn[0] + "×" + kn[1] + ", " + threads(t), "%")
                            .lowerIsBetter()
                            .bench(BenchmarkSpec.of(cls, "matmul", "tokens", "1024", "shape", shape, "threads", "" + t, "mode", mode[0]),
                                    Conversion.overheadPercent("ms/op"))
                            .baseline(BenchmarkSpec.of(cls, "matmul", "tokens", "1024", "shape", shape, "threads", "" + t, "mode", "PLAIN"))
                            .target(Target.atMost(Double.parseDouble(mode[2]), ""))
                            .note("Fused GEMM: overhead = time with z generated in the GEMM (mode GAUSSIAN / RADEMACHER) / "
                                    + "time of the plain GEMM (mode PLAIN) − 1, FusedGemmBenchmark, same shape and threads.")
                            .build());
                }
            }
        }
    }

    private static void encoderForward(List<Row> rows) {
        for (int t : THREADS) {
            rows.add(Row.builder("bert-forward-t" + t, "bert", "MiniLM forward, 16×64, " + threads(t), "tokens/s")
                    .bench(BenchmarkSpec.of(PERF + "BertForwardBenchmark", "forward", "threads", "" + t, "input", "random"),
                            Conversion.identity("ops/s"))
                    .reference(ReferenceKey.of("minilm", t, "minilm_forward_tokens_per_s"))
                    .issue(TORCH_MINILM_TOKENS[t - 1])
                    .target(Target.timesReference(1.8))
                    .note("MiniLM forward: zoft's BertForwardBenchmark stops at mean pooling; the reference adds the "
                            + "cosine head and cross-entropy (2 × 384 dot products a sequence, negligible).")
                    .build());
        }
    }

    private static void decoderForward(List<Row> rows) {
        for (int t : THREADS) {
            double bound = 1.3 * LLAMA_CPP_PREFILL_TOKENS[t - 1];
            rows.add(Row.builder("decoder-forward-t" + t, "decoder",
                            "SmolLM2-135M forward + loss, 4×256, F32, " + threads(t), "tokens/s")
                    .bench(BenchmarkSpec.of(PERF + "DecoderForwardBenchmark", "forwardAndLoss", "threads", "" + t, "dtype", "F32"),
                            Conversion.identity("ops/s"))
                    .reference(ReferenceKey.of("smollm", t, "smollm_forward_tokens_per_s"))
                    .issue(TORCH_SMOLLM_TOKENS[t - 1])
                    .target(Target.atLeast(bound, "1.3× llama.cpp's " + (int) LLAMA_CPP_PREFILL_TOKENS[t - 1]
                            + " tokens/s F32 prefill, issue figure"))
                    .note("SmolLM2 forward: the reference column is PyTorch; the target is against llama.cpp, "
                            + "which is not measured here (its issue figure is used).")
                    .build());
        }
    }

    private static void generator(List<Row> rows) {
        String cls = PERF + "GeneratorBenchmark";
        rows.add(Row.builder("generator-axpy-gaussian", "generator", "Gaussian axpy θ += c·z, MiniLM params, 1 thread", "ns/param")
                .lowerIsBetter()
                .bench(BenchmarkSpec.of(cls, "axpyGaussian", "width", BenchmarkSpec.WIDTH), Conversion.identity("ns/op"))
                .reference(ReferenceKey.of("perturb", 1, "perturbation_ns_per_param.minilm"))
                .issue(TORCH_PERTURB_NS_PER_PARAM)
                .note("Generator: the reference is one pass of MeZO's perturbation loop (torch.normal, then θ + ε·z out of place); "
                        + "the issue's ≤ 0.4 ns/param target is for the 2-thread pass (perturbation rows).")
                .build());
        rows.add(Row.builder("generator-fill-gaussian", "generator", "Gaussian fill z(seed), 1 thread", "ns/param")
                .lowerIsBetter()
                .bench(BenchmarkSpec.of(cls, "fillGaussian", "width", BenchmarkSpec.WIDTH), Conversion.identity("ns/op"))
                .build());
        rows.add(Row.builder("generator-axpy-rademacher", "generator", "Rademacher axpy θ += c·z, MiniLM params, 1 thread", "ns/param")
                .lowerIsBetter()
                .bench(BenchmarkSpec.of(cls, "axpyRademacher", "width", BenchmarkSpec.WIDTH), Conversion.identity("ns/op"))
                .build());
    }

    /** PerturbationPassBenchmark: the in-place pass over every parameter, and a Java STREAM triad beside it. */
    private static void perturbationPass(List<Row> rows) {
        String cls = PERF + "PerturbationPassBenchmark";
        String[][] models = {{"miniLm", "minilm", "MiniLM"}, {"smolLm2", "smollm", "SmolLM2-135M"}};
        for (String[] m : models) {
            for (int t : THREADS) {
                rows.add(Row.builder("perturbation-gaussian-" + m[1] + "-t" + t, "perturbation",
                                "perturbation pass θ += c·z, Gaussian, " + m[2] + " params, " + threads(t), "ns/param")
                        .lowerIsBetter()
                        .bench(BenchmarkSpec.of(cls, m[0], "distribution", "GAUSSIAN", "threads", "" + t), Conversion.identity("ns/op"))
                        .reference(ReferenceKey.of("perturb", t, "perturbation_ns_per_param." + m[1]))
                        .issue(TORCH_PERTURB_NS_PER_PARAM)
                        .target(t == 2 ? Target.atMost(0.4, "") : Target.none())
                        .note("Perturbation pass: zoft's in-place Perturbation.axpy over all parameters; the reference is one pass "
                                + "of MeZO's loop (torch.normal, then θ + ε·z out of place). Target (2 threads): ≤ 0.4 ns/param.")
                        .build());
            }
        }
        for (int t : THREADS) {
            rows.add(Row.builder("perturbation-rademacher-minilm-t" + t, "perturbation",
                            "perturbation pass θ += c·z, Rademacher, MiniLM params, " + threads(t), "GB/s")
                    .bench(BenchmarkSpec.of(cls, "miniLm", "distribution", "RADEMACHER", "threads", "" + t),
                            Conversion.rateFromTime("ns/op", 8))
                    .reference(ReferenceKey.of("stream", t, "stream_triad_gbps"))
                    .issue(STREAM_GBPS[t - 1])
                    .target(Target.timesReference(0.7))
                    .note("Rademacher pass: GB/s = 8 bytes a parameter (θ read and written) / ns per parameter; the target is "
                            + "≥ 0.7× the STREAM triad bandwidth, here the reference's triad measured now (the Java triad row is beside it).")
                    .build());
        }
        for (int t : THREADS) {
            rows.add(Row.builder("stream-java-t" + t, "perturbation", "STREAM triad a = b + s·c (Java), " + threads(t), "GB/s")
                    .bench(BenchmarkSpec.of(cls, "triad", "threads", "" + t), Conversion.rateFromTime("ns/op", 12))
                    .reference(ReferenceKey.of("stream", t, "stream_triad_gbps"))
                    .issue(STREAM_GBPS[t - 1])
                    .note("STREAM triad: 12 bytes an element (read b and c, write a) as STREAM counts; the reference is "
                            + "torch.add(b, c, alpha=s, out=a), one fused pass on torch's threads.")
                    .build());
        }
    }

    /** ZoStepBenchmark's restore modes the table shows: the engine's default (an exact snapshot) and the fused mode. */
    static final String[] ZO_RESTORES = {"SNAPSHOT", "FUSED"};

    /** ZoStepBenchmark: the MeZO step through zoft's engine and its time outside the two forwards. */
    private static void zoStep(List<Row> rows) {
        String cls = PERF + "ZoStepBenchmark";
        String[][] models = {{"minilm", "minilm", "MiniLM 16×64", "3.0"}, {"smollm2", "smollm", "SmolLM2-135M 4×256", "2.5"}};
        for (String[] m : models) {
            double[] issue = m[1].equals("minilm") ? TORCH_MINILM_MEZO_MS : TORCH_SMOLLM_MEZO_MS;
            for (String restore : ZO_RESTORES) {
            String mode = restore.equals("SNAPSHOT") ? "" : "-" + restore.toLowerCase(java.util.Locale.ROOT);
            String label = restore.equals("SNAPSHOT") ? "" : " (" + restore.toLowerCase(java.util.Locale.ROOT) + ")";
            for (int t : THREADS) {
                BenchmarkSpec step = BenchmarkSpec.of(cls, "step", "model", m[0], "threads", "" + t, "restore", restore);
                rows.add(Row.builder("zostep-" + m[1] + mode + "-t" + t, "zostep", "MeZO step" + label + ", " + m[2] + ", " + threads(t), "ms")
                        .lowerIsBetter()
                        .bench(step, Conversion.identity("ms/op"))
                        .reference(ReferenceKey.of("mezo_" + m[1], t, m[1] + "_mezo_step_ms"))
                        .issue(issue[t - 1])
                        .target(Target.timesReference(Double.parseDouble(m[3])))
                        .note("MeZO step: all parameters trainable on both sides; zoft's engine (restore " + restore
                                + ") against MeZO's published loop (four torch.normal passes, out-of-place updates).")
                        .build());
                Row.Builder outside = Row.builder("zostep-" + m[1] + mode + "-outside-t" + t, "zostep",
                                "MeZO step" + label + " outside the two forwards, " + m[2] + ", " + threads(t), "%")
                        .lowerIsBetter()
                        .bench(step.secondary("outsideMs"), Conversion.sharePercent("#"))
                        .baseline(step.secondary("forwardMs"))
                        .reference(new ReferenceKey("mezo_" + m[1], t, m[1] + "_mezo_outside_forward_fraction", 100))
                        .target(Target.atMost(5, ""))
                        .note("Outside share: outsideMs / (outsideMs + forwardMs) of the same step run (JMH sums @AuxCounters "
                                + "EVENTS over iterations, so only their ratio is used).");
                if (m[1].equals("smollm")) {
                    outside.issue(TORCH_SMOLLM_MEZO_OUTSIDE_PERCENT[t - 1]);
                }
                rows.add(outside.build());
            }
            }
        }
    }

    /** PeakMemory is a main (it spawns its own JVMs): listed for the reference side; run it directly for zoft's figure. */
    private static void memory(List<Row> rows) {
        rows.add(Row.builder("memory-peak-rss", "memory", "MeZO peak RSS, SmolLM2-135M shape, 4×256", "MiB")
                .lowerIsBetter()
                .bench(BenchmarkSpec.mainClass(PERF + "PeakMemory"), Conversion.identity("MiB"))
                .reference(ReferenceKey.of("mezo_smollm", 1, "smollm_mezo_peak_rss_mib"))
                .issue(TORCH_MEZO_PEAK_RSS_MIB)
                .note("Peak RSS: PeakMemory is a main (it spawns its own JVMs); run "
                        + "`java -cp perf/target/benchmarks.jar dev.zoft.perf.PeakMemory`. Its target is absolute: "
                        + "≤ 1.15 × weight bytes + one layer's activations + the JVM baseline.")
                .build());
    }
}
