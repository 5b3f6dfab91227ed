package dev.zoft.zo.task;

import dev.zoft.tensor.DType;
import dev.zoft.tensor.Tensor;
import dev.zoft.tensor.VectorWidth;
import dev.zoft.tensor.ops.Kernels;
import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.tokenizer.HfTokenizer;
import dev.zoft.transformer.bert.BertConfig;
import dev.zoft.transformer.bert.BertModel;
import dev.zoft.transformer.bert.BertWeights;
import dev.zoft.transformer.bert.MiniLm;
import dev.zoft.weights.BertParameterNames;
import dev.zoft.weights.EncoderCheckpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * What the task tests share: the bundled MiniLM (loaded once per JVM), its tokenizer, a tiny random
 * BERT over MiniLM's vocabulary (so the real tokenizer feeds it), and SST-2 dev sentences.
 */
final class TaskFixtures {
    /** 3 layers, H 8, 2 heads, FFN 16, MiniLM's vocabulary, 64 positions. */
    static final BertConfig TINY = new BertConfig(30522, 8, 3, 2, 16, 64, 2, 1e-12f);

    private static EncoderCheckpoint miniLm;
    private static BertWeights miniLmWeights;
    private static HfTokenizer tokenizer;
    private static BertWeights tiny;

    private TaskFixtures() {
    }

    /** The bundled MiniLM weights (mapped), shared by every test of the JVM; released at exit. */
    static synchronized BertWeights miniLm() {
        if (miniLmWeights == null) {
            miniLm = MiniLm.openBundled();
            miniLmWeights = BertModel.weightsOf(miniLm.weights(), BertConfig.of(miniLm.hyperparameters()));
        }
        return miniLmWeights;
    }

    static synchronized HfTokenizer tokenizer() {
        if (tokenizer == null) {
            tokenizer = MiniLm.bundledTokenizer();
        }
        return tokenizer;
    }

    /** A random {@link #TINY} encoder in the global arena (a few MB, kept for the JVM). */
    static synchronized BertWeights tiny() {
        if (tiny == null) {
            Random rnd = new Random(7);
            Map<String, Tensor> m = new HashMap<>();
            int h = TINY.hiddenSize();
            int f = TINY.intermediateSize();
            for (String name : BertParameterNames.expected(TINY.numLayers())) {
                long[] shape;
                if (name.equals(BertParameterNames.WORD_EMBEDDINGS)) {
                    shape = new long[] {TINY.vocabSize(), h};
                } else if (name.equals(BertParameterNames.POSITION_EMBEDDINGS)) {
                    shape = new long[] {TINY.maxPositions(), h};
                } else if (name.equals(BertParameterNames.TOKEN_TYPE_EMBEDDINGS)) {
                    shape = new long[] {TINY.typeVocabSize(), h};
                } else if (name.endsWith("intermediate.dense.weight")) {
                    shape = new long[] {f, h};
                } else if (name.endsWith("intermediate.dense.bias")) {
                    shape = new long[] {f};
                } else if (name.endsWith("output.dense.weight") && !name.contains("attention")) {
                    shape = new long[] {h, f};
                } else if (name.endsWith(".weight") && !name.contains("LayerNorm")) {
                    shape = new long[] {h, h};
                } else {
                    shape = new long[] {h};
                }
                Tensor t = Tensor.allocate(Arena.global(), DType.F32, shape);
                boolean gamma = name.endsWith("LayerNorm.weight");
                for (long i = 0; i < t.numel(); i++) {
                    t.setFloat(i, (float) ((gamma ? 1 : 0) + rnd.nextGaussian() * 0.5));
                }
                m.put(name, t);
            }
            tiny = BertWeights.from(TINY, "", m::get);
        }
        return tiny;
    }

    /** Kernels at the configured width over the caller's {@code pool}. */
    static Kernels kernels(WorkerPool pool) {
        return Kernels.create(VectorWidth.configured(), pool);
    }

    /** A classifier over the tiny encoder. */
    static EncoderClassifier tinyClassifier(WorkerPool pool, ClassifierOptions options) {
        return EncoderClassifier.create(TINY, tiny(), kernels(pool), tokenizer(), options);
    }

    /** A classifier over the shared MiniLM weights. */
    static EncoderClassifier miniLmClassifier(WorkerPool pool, ClassifierOptions options) {
        return EncoderClassifier.create(MiniLm.CONFIG, miniLm(), kernels(pool), tokenizer(), options);
    }

    /** Texts and labels of a labelled set. */
    record Labelled(List<String> texts, int[] labels) {
    }

    /**
     * The first {@code n} sentences of SST-2 dev ({@code datasets/sst2/dev.tsv} under
     * {@code zoft.shared.dir}, header {@code label<TAB>content}), read plainly.
     */
    static Labelled sst2Dev(int n) {
        String dir = System.getProperty("zoft.shared.dir");
        if (dir == null) {
            throw new IllegalStateException("system property zoft.shared.dir is not set (the build sets it)");
        }
        Path file = Path.of(dir, "datasets", "sst2", "dev.tsv");
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("SST-2 dev set not found at " + file + ": the shared datasets folder is required");
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        if (!lines.get(0).equals("label\tcontent")) {
            throw new IllegalStateException(file + ": unexpected header " + lines.get(0));
        }
        List<String> texts = new ArrayList<>();
        int[] labels = new int[n];
        for (int i = 1; i < lines.size() && texts.size() < n; i++) {
            String[] cols = lines.get(i).split("\t", -1);
            if (cols.length != 2) {
                throw new IllegalStateException(file + " line " + (i + 1) + ": " + cols.length + " columns");
            }
            labels[texts.size()] = Integer.parseInt(cols[0]);
            texts.add(cols[1]);
        }
        if (texts.size() < n) {
            throw new IllegalStateException(file + " has only " + texts.size() + " sentences, " + n + " wanted");
        }
        return new Labelled(texts, labels);
    }

    /** Eight short sentiment sentences with their labels. */
    static Labelled sentences() {
        return new Labelled(List.of(
                "a gripping , beautifully acted film .",
                "dull and lifeless from start to finish .",
                "i loved every minute of it",
                "the plot is a mess and the jokes fall flat .",
                "an utterly charming , witty comedy",
                "boring .",
                "one of the best films of the year , full of heart and surprises .",
                "it 's a waste of time"),
                new int[] {1, 0, 1, 0, 1, 0, 1, 0});
    }
}
