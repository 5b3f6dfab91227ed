package dev.zoft.perf;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zoft.tensor.DType;
import dev.zoft.tensor.VectorWidth;
import dev.zoft.tensor.ops.Kernels;
import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.tensor.random.Distribution;
import dev.zoft.tensor.random.PerturbationGenerator;
import dev.zoft.transformer.decoder.DecoderConfig;
import dev.zoft.transformer.decoder.DecoderModel;
import dev.zoft.transformer.decoder.DecoderWeights;
import dev.zoft.weights.DecoderCheckpoint;
import dev.zoft.weights.SafetensorsWriter;
import dev.zoft.weights.TensorStore;
import dev.zoft.zo.estimate.LearningRate;
import dev.zoft.zo.estimate.MeZo;
import dev.zoft.zo.estimate.RestoreMode;
import dev.zoft.zo.estimate.StepResult;
import dev.zoft.zo.estimate.ZoSettings;
import dev.zoft.zo.estimate.ZoSgd;
import dev.zoft.zo.task.CausalLmObjective;
import dev.zoft.zo.task.DecoderSubset;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Peak resident memory of a ZO finetuning process on the SmolLM2-135M shape, against the issue's
 * target {@code 1.15 × weights + one layer's activations + the JVM's baseline}.
 *
 * <p>The parent writes a random-weight F32 model as a Hugging Face folder ({@code config.json} +
 * {@code model.safetensors}, 513 MiB) to a temporary folder, then spawns child JVMs with its own
 * java, JVM flags and class path, and reads their peak RSS ({@code VmHWM} of
 * {@code /proc/self/status}, which the child prints as it exits):
 * <ul>
 *   <li>a <b>baseline</b> child that loads and initialises the classes a finetuning run uses
 *       (kernels, generator, loaders, estimator) and exits;</li>
 *   <li>one <b>finetuning</b> child per restore mode, which opens the folder through the public
 *       API ({@link DecoderCheckpoint#open}, {@link DecoderWeights#load}, {@link CausalLmObjective}
 *       with {@link DecoderSubset#all()}) and runs a few MeZO steps ({@link ZoSgd}, P = 1, Gaussian)
 *       of causal-LM finetuning on a 4 × 256 batch of random token ids.</li>
 * </ul>
 *
 * <p>One layer's activations are computed from the shapes, as {@code DecoderModel}'s scratch holds
 * them plus the residual stream: {@code B·T·(3·H + 2·H_q + 2·H_kv + 2·F)·4} bytes (residual, normed
 * input and branch output {@code H}; Q and context {@code H_q = heads·headDim}; K and V
 * {@code H_kv = kvHeads·headDim}; SwiGLU's gate and up {@code F}). The streaming head's logit
 * chunk ({@code min(B·T, 1024) × 4096 × 4} bytes) is reported beside it.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Dzoft.vector.bits=512 \
 *      -cp perf/target/benchmarks.jar dev.zoft.perf.PeakMemory [--steps=3] [--threads=2] [--dir=/tmp/x]
 *      [--restore=IN_PLACE,SNAPSHOT] [--keep]
 * </pre>
 * Linux only ({@code /proc/self/status}). The children inherit this JVM's flags: run it with the
 * flags of the process you mean to measure (the {@code zoft} launcher's are
 * {@code -XX:+UseParallelGC}).
 *
 * <p>What the measurements showed (SmolLM2 shape, 2 threads, 2 steps): the first forwards run the
 * Vector API kernels before C2 has compiled them, and that code boxes every vector, so the JIT
 * warm-up allocates gigabytes of short-lived garbage; with no heap limit the collector answers by
 * growing the heap (committed 2.1 GB under ParallelGC: peak 2,602 MiB). Capping the young
 * generation ({@code -Xmn32m}) keeps the warm-up garbage in a small nursery: peak 696 MiB in
 * IN_PLACE mode (target 689), and {@code -Xmx64m} gives 689 MiB. SNAPSHOT mode adds its exact copy
 * of the trainable parameters (4 bytes each: +513 MiB), so only IN_PLACE can meet the target with
 * every parameter trainable.
 */
public final class PeakMemory {

    static final String MARK = "PEAKMEMORY ";
    static final double SLACK = 1.15;
    private static final ObjectMapper JSON = new ObjectMapper();

    private PeakMemory() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("child")) {
            child(Path.of(args[1]), Integer.parseInt(args[2]), RestoreMode.valueOf(args[3]), Integer.parseInt(args[4]));
            return;
        }
        if (args.length > 0 && args[0].equals("baseline")) {
            baseline();
            return;
        }
        Map<String, String> opts = ForwardProfile.options(args);
        int steps = Integer.parseInt(opts.getOrDefault("steps", "3"));
        int threads = Integer.parseInt(opts.getOrDefault("threads", String.valueOf(WorkerPool.defaultThreads())));
        List<RestoreMode> modes = new ArrayList<>();
        for (String m : opts.getOrDefault("restore", "IN_PLACE,SNAPSHOT").split(",")) {
            modes.add(RestoreMode.valueOf(m.trim()));
        }
        boolean keep = opts.containsKey("keep");
        Path dir = opts.containsKey("dir") ? Path.of(opts.get("dir")) : Files.createTempDirectory("zoft-peakmem");
        DecoderConfig c = ModelShapes.SMOLLM2_135M;
        try {
            long weightBytes = writeModel(c, dir);
            long tokens = (long) ModelShapes.SMOLLM2_BATCH * ModelShapes.SMOLLM2_SEQ_LEN;
            long layerBytes = layerActivationBytes(c, tokens);
            long headBytes = Math.min(tokens, DecoderModel.ROW_BLOCK) * Math.min(c.vocabSize(), DecoderModel.VOCAB_CHUNK) * 4L;
            Map<String, Long> base = spawn(List.of("baseline"));
            long baseline = base.get("VmHWM") * 1024;
            System.out.printf(Locale.ROOT, "model: %s (random F32, %d parameters)%n", dir, weightBytes / 4);
            System.out.printf(Locale.ROOT, "weights                          %9.1f MiB%n", mib(weightBytes));
            System.out.printf(Locale.ROOT, "one layer's activations          %9.1f MiB  = B·T·(3H + 2H_q + 2H_kv + 2F)·4 = %d·(%d + %d + %d + %d)·4%n",
                    mib(layerBytes), tokens, 3 * c.hiddenSize(), 2 * c.qWidth(), 2 * c.kvWidth(), 2 * c.intermediateSize());
            System.out.printf(Locale.ROOT, "  (LM head logit chunk, besides  %9.1f MiB)%n", mib(headBytes));
            System.out.printf(Locale.ROOT, "JVM baseline (VmHWM, same flags) %9.1f MiB%n", mib(baseline));
            long target = (long) (SLACK * weightBytes) + layerBytes + baseline;
            System.out.printf(Locale.ROOT, "target 1.15·W + act + baseline   %9.1f MiB%n", mib(target));
            for (RestoreMode mode : modes) {
                Map<String, Long> r = spawn(List.of("child", dir.toString(), String.valueOf(steps), mode.name(),
                        String.valueOf(threads)));
                long peak = r.get("VmHWM") * 1024;
                System.out.printf(Locale.ROOT, "%nMeZO, restore %s, %d steps on %d thread(s):%n", mode, steps, threads);
                System.out.printf(Locale.ROOT, "  peak RSS (VmHWM)               %9.1f MiB  = %.2f × weights -> target %s (%+.1f MiB)%n",
                        mib(peak), (double) peak / weightBytes, peak <= target ? "MET" : "MISSED", mib(peak - target));
                System.out.printf(Locale.ROOT, "  after loading: RSS %.1f MiB (anon %.1f, file %.1f); at exit: anon %.1f, file %.1f MiB%n",
                        mib(r.get("loadedRss") * 1024), mib(r.get("loadedAnon") * 1024), mib(r.get("loadedFile") * 1024),
                        mib(r.get("RssAnon") * 1024), mib(r.get("RssFile") * 1024));
                System.out.printf(Locale.ROOT, "  Java heap: max %.1f MiB, committed %.1f MiB; trainable copies %.1f MiB, model scratch %.1f MiB%n",
                        mib(r.get("heapMax")), mib(r.get("heapCommitted")), mib(r.get("trainableBytes")), mib(r.get("scratchBytes")));
            }
        } finally {
            if (!keep && !opts.containsKey("dir")) {
                deleteTree(dir);
            }
        }
    }

    /** {@code B·T·(3H + 2H_q + 2H_kv + 2F)·4}: see the class comment. */
    static long layerActivationBytes(DecoderConfig c, long tokens) {
        long perToken = 3L * c.hiddenSize() + 2L * c.qWidth() + 2L * c.kvWidth() + 2L * c.intermediateSize();
        return Math.multiplyExact(tokens, perToken) * 4;
    }

    /** Writes {@code config.json} and {@code model.safetensors}; returns the weight bytes. */
    static long writeModel(DecoderConfig c, Path dir) throws IOException {
        ObjectNode j = JSON.createObjectNode();
        j.putArray("architectures").add("LlamaForCausalLM");
        j.put("model_type", "llama");
        j.put("vocab_size", c.vocabSize());
        j.put("hidden_size", c.hiddenSize());
        j.put("num_hidden_layers", c.numLayers());
        j.put("num_attention_heads", c.numHeads());
        j.put("num_key_value_heads", c.numKvHeads());
        j.put("intermediate_size", c.intermediateSize());
        j.put("max_position_embeddings", c.maxPositions());
        j.put("rms_norm_eps", c.normEps());
        j.put("rope_theta", c.ropeTheta());
        j.put("hidden_act", "silu");
        j.put("tie_word_embeddings", c.tieWordEmbeddings());
        j.put("torch_dtype", "float32");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(j));
        long bytes = 0;
        try (Arena arena = Arena.ofShared(); TensorStore store = ModelShapes.randomLlamaWeights(c, DType.F32, arena)) {
            for (Map.Entry<String, dev.zoft.tensor.Tensor> e : store) {
                bytes += e.getValue().segment().byteSize();
            }
            SafetensorsWriter.write(dir.resolve("model.safetensors"), store);
        }
        return bytes;
    }

    /** Runs this class in a child JVM with the same java, flags and class path; returns its {@link #MARK} lines. */
    static Map<String, Long> spawn(List<String> args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElseThrow(() -> new IllegalStateException("cannot tell this JVM's java")));
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(PeakMemory.class.getName());
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        Map<String, Long> out = new LinkedHashMap<>();
        StringBuilder log = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith(MARK)) {
                    String[] kv = line.substring(MARK.length()).split("=");
                    out.put(kv[0], Long.parseLong(kv[1].trim()));
                } else if (!line.startsWith("WARNING")) {
                    log.append("  | ").append(line).append('\n');
                }
            }
        }
        int rc = p.waitFor();
        System.out.print(log);
        if (rc != 0 || !out.containsKey("VmHWM")) {
            throw new IllegalStateException("child " + args + " failed (exit " + rc + ")");
        }
        return out;
    }

    /** Loads and initialises what a finetuning run uses, then reports and exits. */
    private static void baseline() {
        try (WorkerPool pool = WorkerPool.create()) {
            Kernels.create(VectorWidth.configured(), pool);
            PerturbationGenerator.configured();
            for (Class<?> k : List.of(DecoderCheckpoint.class, DecoderWeights.class, DecoderModel.class, CausalLmObjective.class,
                    MeZo.class, ZoSgd.class, StepResult.class)) {
                try {
                    Class.forName(k.getName(), true, PeakMemory.class.getClassLoader());
                } catch (ClassNotFoundException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        report(Map.of());
    }

    private static void child(Path dir, int steps, RestoreMode mode, int threads) {
        Map<String, Long> extra = new LinkedHashMap<>();
        try (WorkerPool pool = WorkerPool.create(threads); DecoderCheckpoint ck = DecoderCheckpoint.open(dir);
             Arena arena = Arena.ofShared()) {
            Kernels kernels = Kernels.create(VectorWidth.configured(), pool);
            DecoderConfig config = DecoderConfig.of(ck);
            DecoderWeights base = DecoderWeights.load(config, n -> ck.tensors().find(n).orElse(null), arena, ck.source());
            try (CausalLmObjective objective = new CausalLmObjective(config, base, kernels, DecoderSubset.all(),
                    3 * config.numLayers() / 4)) {
                Map<String, Long> loaded = status();
                extra.put("loadedRss", loaded.get("VmRSS"));
                extra.put("loadedAnon", loaded.get("RssAnon"));
                extra.put("loadedFile", loaded.get("RssFile"));
                extra.put("trainableBytes", objective.parameters().size() * 4);
                CausalLmObjective.Batch batch = ModelShapes.RandomDecoder.batch(42);
                ZoSgd<CausalLmObjective.Batch> sgd = new ZoSgd<>(objective,
                        new MeZo(1, new ZoSettings(1e-3f, Distribution.GAUSSIAN, mode)), LearningRate.constant(1e-6), pool, 1,
                        u -> { });
                for (int s = 0; s < steps; s++) {
                    long t0 = System.nanoTime();
                    StepResult r = sgd.step(batch);
                    System.out.printf(Locale.ROOT, "step %d: loss %.6f, %.0f ms%n", s, r.losses()[0], (System.nanoTime() - t0) / 1e6);
                }
                extra.put("scratchBytes", objective.model().scratchBytes());
            }
        }
        report(extra);
    }

    private static void report(Map<String, Long> extra) {
        Map<String, Long> s = status();
        Runtime rt = Runtime.getRuntime();
        for (String k : List.of("VmHWM", "VmRSS", "RssAnon", "RssFile")) {
            System.out.println(MARK + k + "=" + s.getOrDefault(k, 0L));
        }
        System.out.println(MARK + "heapMax=" + rt.maxMemory());
        System.out.println(MARK + "heapCommitted=" + rt.totalMemory());
        extra.forEach((k, v) -> System.out.println(MARK + k + "=" + v));
    }

    /** The kB fields of {@code /proc/self/status}. */
    static Map<String, Long> status() {
        Map<String, Long> out = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.endsWith(" kB")) {
                    out.put(line.substring(0, colon), Long.parseLong(line.substring(colon + 1, line.length() - 3).trim()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/self/status (PeakMemory needs Linux)", e);
        }
        return out;
    }

    private static double mib(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
