package dev.zoft.weights;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.zoft.weights.OnnxFixtures.*;

/**
 * Writes a small BERT encoder graph shaped like PyTorch's ONNX export of {@code BertModel}: named
 * embeddings, biases and LayerNorms; Linear weights as anonymous {@code onnx::MatMul_N}
 * initializers stored [in, out], consumed by MatMul nodes named after the module path and
 * followed by a bias Add; head split by a Reshape whose target is a Concat ending in
 * {@code [heads, head_dim]} constants; LayerNorm as {@code Sqrt(Add(var, eps))}; GELU via Erf.
 * Only the structure the loader reads is there: the graph is not meant to be executed.
 */
final class TinyBertOnnx {
    final int layers;
    final int hidden;
    final int heads;
    final int intermediate;
    final int vocab;
    final int maxPositions;
    boolean reshapeConstants = true;
    /** Overrides the module path in one MatMul node name, to test disagreement detection. */
    String wrongNodeName;
    /** Values of each [in, out] MatMul initializer by the HF name it stands for. */
    final Map<String, float[]> linearInOut = new LinkedHashMap<>();
    final Map<String, long[]> linearInOutShape = new LinkedHashMap<>();

    TinyBertOnnx(int layers, int hidden, int heads, int intermediate, int vocab, int maxPositions) {
        this.layers = layers;
        this.hidden = hidden;
        this.heads = heads;
        this.intermediate = intermediate;
        this.vocab = vocab;
        this.maxPositions = maxPositions;
    }

    EncoderHyperparameters hyperparameters() {
        return new EncoderHyperparameters(vocab, hidden, layers, heads, intermediate, maxPositions, 2, 1e-12, "gelu");
    }

    /** Deterministic distinct values: element i of tensor number t. */
    private static float[] values(int t, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = t * 1000 + i * 0.25f;
        }
        return v;
    }

    byte[] build() {
        Proto graph = new Proto().string(2, "torch_jit");
        int[] counter = {0};
        List<Proto> inits = new ArrayList<>();
        inits.add(rawInt64("embeddings.position_ids", new long[maxPositions], 1, maxPositions));
        inits.add(rawFloat("embeddings.word_embeddings.weight", values(counter[0]++, vocab * hidden), vocab, hidden));
        inits.add(rawFloat("embeddings.position_embeddings.weight", values(counter[0]++, maxPositions * hidden), maxPositions, hidden));
        inits.add(rawFloat("embeddings.token_type_embeddings.weight", values(counter[0]++, 2 * hidden), 2, hidden));
        inits.add(rawFloat("embeddings.LayerNorm.weight", values(counter[0]++, hidden), hidden));
        inits.add(rawFloat("embeddings.LayerNorm.bias", values(counter[0]++, hidden), hidden));
        String x = "/embeddings/LayerNorm/Add_1_output_0";
        layerNorm(graph, "/embeddings/LayerNorm", "/embeddings/Add_1_output_0");
        int matmulId = 700;
        List<Proto> matmulInits = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            String p = "encoder.layer." + l + ".";
            String q = linear(graph, inits, matmulInits, counter, matmulId++, l, "attention/self/query", x, hidden, hidden);
            String k = linear(graph, inits, matmulInits, counter, matmulId++, l, "attention/self/key", x, hidden, hidden);
            String v = linear(graph, inits, matmulInits, counter, matmulId++, l, "attention/self/value", x, hidden, hidden);
            for (String projected : List.of(q, k, v)) {
                splitHeads(graph, "/encoder/layer." + l + "/attention/self/" + projected.hashCode(), projected);
            }
            String o = linear(graph, inits, matmulInits, counter, matmulId++, l, "attention/output/dense",
                    "/encoder/layer." + l + "/attention/self/Reshape_3_output_0", hidden, hidden);
            inits.add(rawFloat(p + "attention.output.LayerNorm.weight", values(counter[0]++, hidden), hidden));
            inits.add(rawFloat(p + "attention.output.LayerNorm.bias", values(counter[0]++, hidden), hidden));
            layerNorm(graph, "/encoder/layer." + l + "/attention/output/LayerNorm", o);
            String i = linear(graph, inits, matmulInits, counter, matmulId++, l, "intermediate/dense",
                    "/encoder/layer." + l + "/attention/output/LayerNorm/Add_1_output_0", hidden, intermediate);
            graph.message(1, node("/encoder/layer." + l + "/intermediate/intermediate_act_fn/Erf", "Erf", List.of(i),
                    List.of("/encoder/layer." + l + "/intermediate/intermediate_act_fn/Erf_output_0")));
            String out = linear(graph, inits, matmulInits, counter, matmulId++, l, "output/dense",
                    "/encoder/layer." + l + "/intermediate/intermediate_act_fn/Mul_1_output_0", intermediate, hidden);
            inits.add(rawFloat(p + "output.LayerNorm.weight", values(counter[0]++, hidden), hidden));
            inits.add(rawFloat(p + "output.LayerNorm.bias", values(counter[0]++, hidden), hidden));
            layerNorm(graph, "/encoder/layer." + l + "/output/LayerNorm", out);
            x = "/encoder/layer." + l + "/output/LayerNorm/Add_1_output_0";
        }
        inits.addAll(matmulInits); // PyTorch writes the folded MatMul weights after the named parameters
        for (Proto init : inits) {
            graph.message(5, init);
        }
        graph.message(11, valueInfo("input_ids")).message(12, valueInfo("last_hidden_state"));
        return model(graph);
    }

    private String linear(Proto graph, List<Proto> inits, List<Proto> matmulInits, int[] counter, int id, int layer,
                          String module, String input, int in, int out) {
        String hf = "encoder.layer." + layer + "." + module.replace('/', '.');
        String weight = "onnx::MatMul_" + id;
        float[] w = values(counter[0]++, in * out);
        linearInOut.put(hf + ".weight", w);
        linearInOutShape.put(hf + ".weight", new long[] {in, out});
        matmulInits.add(rawFloat(weight, w, in, out));
        inits.add(rawFloat(hf + ".bias", values(counter[0]++, out), out));
        String nodePath = "/encoder/layer." + layer + "/" + module;
        if (wrongNodeName != null && hf.endsWith(".attention.self.key") && layer == 0) {
            nodePath = wrongNodeName;
        }
        String mm = nodePath + "/MatMul_output_0";
        graph.message(1, node(nodePath + "/MatMul", "MatMul", List.of(input, weight), List.of(mm)));
        String added = nodePath + "/Add_output_0";
        graph.message(1, node(nodePath + "/Add", "Add", List.of(hf + ".bias", mm), List.of(added)));
        return added;
    }

    private void splitHeads(Proto graph, String prefix, String projected) {
        String concat = prefix + "/Concat_output_0";
        String h = prefix + "/Constant_h";
        String d = prefix + "/Constant_d";
        if (reshapeConstants) {
            graph.message(1, constant(h, rawInt64("", new long[] {heads}, 1)));
            graph.message(1, constant(d, rawInt64("", new long[] {hidden / heads}, 1)));
        }
        graph.message(1, node(prefix + "/Concat", "Concat", List.of(prefix + "/Unsqueeze_output_0",
                prefix + "/Unsqueeze_1_output_0", h, d), List.of(concat)));
        graph.message(1, node(prefix + "/Reshape", "Reshape", List.of(projected, concat), List.of(prefix + "/Reshape_output_0")));
    }

    private static void layerNorm(Proto graph, String prefix, String input) {
        String eps = prefix + "/Constant_1_output_0";
        graph.message(1, constant(eps, new Proto().varint(2, FLOAT).bytes(9, new byte[] {(byte) 0xcc, (byte) 0xbc, (byte) 0x8c, 0x2b})));
        graph.message(1, node(prefix + "/Add", "Add", List.of(prefix + "/ReduceMean_1_output_0", eps), List.of(prefix + "/Add_output_0")));
        graph.message(1, node(prefix + "/Sqrt", "Sqrt", List.of(prefix + "/Add_output_0"), List.of(prefix + "/Sqrt_output_0")));
        graph.message(1, node(prefix + "/Add_1", "Add", List.of(prefix + "/Mul_output_0", input.isEmpty() ? "x" : input + "_ln"),
                List.of(prefix + "/Add_1_output_0")));
    }
}
