package dev.zoft.transformer.decoder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.zoft.tensor.VectorWidth;
import dev.zoft.tensor.ops.Kernels;
import dev.zoft.tensor.parallel.WorkerPool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One golden fixture of {@code transformer/fixtures-gen/make_decoder_fixtures.py}: a tiny
 * random-weight Hugging Face folder and what the plain-PyTorch reference computed for it, each
 * sequence run alone (unpadded).
 */
record DecoderFixture(String name, Path folder, List<int[]> sequences, List<float[]> logits, double loss,
                      int[] promptLengths, double continuationLoss, int[] labelWords, float[][] labelLogProbs) {

    /** Every model family's fixture. */
    static final List<String> MODELS = List.of("llama_gqa_tied", "qwen2_qkv_bias", "llama3_rope_scaling", "gpt2", "opt");

    static DecoderFixture load(String name) {
        Path folder = resourceFolder("/fixtures/decoder/" + name + "/config.json");
        return parse(name, folder, folder.resolve("expected.json"));
    }

    /** The fixture folder of the classpath resource {@code path}'s parent. */
    static Path resourceFolder(String path) {
        URL url = DecoderFixture.class.getResource(path);
        if (url == null) {
            throw new IllegalStateException("test resource " + path + " is missing: regenerate it with "
                    + "transformer/fixtures-gen/make_decoder_fixtures.py");
        }
        try {
            return Path.of(url.toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static DecoderFixture parse(String name, Path folder, Path expectedJson) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(expectedJson.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<int[]> seqs = new ArrayList<>();
        for (JsonNode s : root.get("sequences")) {
            seqs.add(ints(s));
        }
        List<float[]> logits = new ArrayList<>();
        for (JsonNode l : root.get("logits")) {
            logits.add(floats(l));
        }
        JsonNode lp = root.get("label_log_probs");
        float[][] label = new float[lp.size()][];
        for (int i = 0; i < label.length; i++) {
            label[i] = floats(lp.get(i));
        }
        return new DecoderFixture(name, folder, seqs, logits, root.get("loss").asDouble(), ints(root.get("prompt_lengths")),
                root.get("continuation_loss").asDouble(), ints(root.get("label_words")), label);
    }

    int vocab() {
        return logits.get(0).length / sequences.get(0).length;
    }

    DecoderModel model(VectorWidth width, WorkerPool pool) {
        return DecoderModel.load(folder, Kernels.create(width, pool));
    }

    private static int[] ints(JsonNode a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).asInt();
        }
        return out;
    }

    private static float[] floats(JsonNode a) {
        float[] out = new float[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) a.get(i).asDouble();
        }
        return out;
    }
}
