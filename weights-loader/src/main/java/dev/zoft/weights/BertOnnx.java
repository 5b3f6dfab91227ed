package dev.zoft.weights;

import dev.zoft.tensor.Tensor;

import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Loads a BERT encoder exported to ONNX by PyTorch (e.g. all-MiniLM-L6-v2) under Hugging Face
 * parameter names, with its hyperparameters read from tensor shapes and from the graph.
 *
 * <p><b>Naming.</b> Embeddings, biases and LayerNorm parameters keep their PyTorch names in the
 * export. Linear weights do not: the exporter folds {@code W^T} into an anonymous
 * {@code onnx::MatMul_NNN} initializer stored {@code [in, out]}. Each one is named from the
 * MatMul node that consumes it, two ways that must agree when both apply: the bias {@code Add}
 * that follows the MatMul ({@code encoder.layer.0.attention.self.query.bias} gives
 * {@code ....query.weight}), and the node name, which encodes the module path
 * ({@code /encoder/layer.0/attention/self/query/MatMul}).
 *
 * <p><b>Layout.</b> Those weights are transposed once into an off-heap F32 arena owned by the
 * returned store, as {@code [out, in]} (PyTorch's Linear layout, the one the GEMM kernels take).
 * Every other tensor is a zero-copy slice of the mapped file.
 *
 * <p><b>Hyperparameters.</b> Sizes come from shapes. The number of heads comes from the constant
 * target shape of the Reshape that splits a query/key/value projection into
 * {@code [batch, seq, heads, head_dim]}; the LayerNorm epsilon from the constant added to the
 * variance before {@code Sqrt} (or a {@code LayerNormalization} node's {@code epsilon}); the
 * activation from an {@code Erf} (exact GELU, {@code "gelu"}), a {@code Tanh} in the
 * intermediate block ({@code "gelu_new"}) or a {@code Gelu} node. When the graph does not show
 * one of these, pass the model's {@code config.json} to {@link #load(Path, Path)}.
 */
public final class BertOnnx {
    private static final Pattern LAYER = Pattern.compile("^encoder\\.layer\\.(\\d{1,6})\\.");
    private static final Pattern QKV = Pattern.compile("\\.attention\\.self\\.(query|key|value)\\.weight$");

    private BertOnnx() {
    }

    /** Loads {@code onnx}, taking every hyperparameter from the file. */
    public static EncoderCheckpoint load(Path onnx) {
        return load(onnx, null);
    }

    /**
     * Loads {@code onnx}; when {@code configJson} is not null, hyperparameters the graph does not
     * reveal come from it, and those it does must agree with it.
     */
    public static EncoderCheckpoint load(Path onnx, Path configJson) {
        EncoderHyperparameters config = configJson == null ? null : EncoderHyperparameters.fromConfigJson(configJson);
        OnnxModel model = OnnxModel.open(onnx);
        TensorStore.Builder b = TensorStore.builder(onnx.toString()).file(onnx).owns(model);
        try {
            model.describe(b);
            Map<String, String> linear = linearWeightNames(model);
            Arena transposed = Arena.ofShared();
            b.owns(transposed);
            Map<String, Tensor> byName = new LinkedHashMap<>();
            for (OnnxTensorInfo info : model.initializers().values()) {
                String why = model.unsupportedReason(info);
                String hfName = linear.get(info.name());
                if (why != null) {
                    if (hfName != null) {
                        throw new WeightFormatException(onnx, "Linear weight '" + info.name() + "' (" + hfName + ") is not loadable: " + why);
                    }
                    b.unsupported(info.name(), why);
                    continue;
                }
                Tensor t = model.tensor(info);
                if (hfName != null) {
                    t = Transpose.toF32(t, transposed);
                } else {
                    hfName = info.name();
                }
                if (byName.put(hfName, t) != null) {
                    throw new WeightFormatException(onnx, "two tensors map to '" + hfName + "'");
                }
            }
            EncoderHyperparameters hp = hyperparameters(model, byName, linear, config);
            // Forward order first (what a reader of the store expects), then anything else in file order.
            for (String name : BertParameterNames.expected(hp.numHiddenLayers())) {
                Tensor t = byName.remove(name);
                if (t != null) {
                    b.put(name, t);
                }
            }
            byName.forEach(b::put);
            TensorStore store = b.build();
            EncoderCheckpoint.requireEncoder(store, hp);
            return new EncoderCheckpoint(store, hp);
        } catch (RuntimeException e) {
            b.abort();
            throw e;
        }
    }

    /**
     * Maps each initializer used as the right operand of a MatMul to the Hugging Face name of the
     * Linear weight it holds (transposed). See the class comment for the rule.
     */
    static Map<String, String> linearWeightNames(OnnxModel model) {
        Map<String, String> names = new LinkedHashMap<>();
        for (OnnxNode node : model.nodes()) {
            if (!node.opType().equals("MatMul") || node.inputs().size() != 2 || node.outputs().isEmpty()) {
                continue;
            }
            OnnxTensorInfo weight = model.initializers().get(node.inputs().get(1));
            if (weight == null) {
                continue; // activation x activation (attention scores)
            }
            if (weight.rank() != 2) {
                throw new WeightFormatException(model.path(), "MatMul " + node.name() + " multiplies by '" + weight.name()
                        + "' of rank " + weight.rank() + ", not a Linear weight");
            }
            String fromBias = biasAdd(model, node).map(bias -> bias.substring(0, bias.length() - ".bias".length()) + ".weight")
                    .orElse(null);
            String fromNode = modulePath(node.name()).map(p -> p + ".weight").orElse(null);
            if (fromBias != null && fromNode != null && !fromBias.equals(fromNode)) {
                throw new WeightFormatException(model.path(), "MatMul " + node.name() + " is followed by bias of " + fromBias
                        + " but its name says " + fromNode);
            }
            String name = fromBias != null ? fromBias : fromNode;
            if (name == null) {
                throw new WeightFormatException(model.path(), "cannot tell which Linear layer '" + weight.name()
                        + "' belongs to: MatMul '" + node.name() + "' has no bias Add and no module path in its name");
            }
            String previous = names.put(weight.name(), name);
            if (previous != null && !previous.equals(name)) {
                throw new WeightFormatException(model.path(), "'" + weight.name() + "' is used as both " + previous + " and " + name);
            }
        }
        return names;
    }

    /** The {@code *.bias} initializer added to the MatMul's output, if an Add does exactly that. */
    private static Optional<String> biasAdd(OnnxModel model, OnnxNode matMul) {
        for (OnnxNode add : model.consumers(matMul.outputs().getFirst())) {
            if (!add.opType().equals("Add")) {
                continue;
            }
            for (String in : add.inputs()) {
                OnnxTensorInfo t = model.initializers().get(in);
                if (t != null && t.rank() == 1 && in.endsWith(".bias")) {
                    return Optional.of(in);
                }
            }
        }
        return Optional.empty();
    }

    /** {@code /encoder/layer.0/attention/self/query/MatMul} to {@code encoder.layer.0.attention.self.query}. */
    static Optional<String> modulePath(String nodeName) {
        if (!nodeName.startsWith("/")) {
            return Optional.empty();
        }
        int last = nodeName.lastIndexOf('/');
        if (last <= 0) {
            return Optional.empty();
        }
        return Optional.of(nodeName.substring(1, last).replace('/', '.'));
    }

    private static EncoderHyperparameters hyperparameters(OnnxModel model, Map<String, Tensor> byName,
                                                          Map<String, String> linear, EncoderHyperparameters config) {
        Path path = model.path();
        Tensor word = require(path, byName, BertParameterNames.WORD_EMBEDDINGS);
        Tensor position = require(path, byName, BertParameterNames.POSITION_EMBEDDINGS);
        Tensor tokenType = require(path, byName, BertParameterNames.TOKEN_TYPE_EMBEDDINGS);
        Tensor intermediate = require(path, byName, BertParameterNames.layer(0, "intermediate.dense.weight"));
        int hidden = toInt(path, word.dim(1), "hidden size");
        TreeSet<Integer> layers = new TreeSet<>();
        for (String name : byName.keySet()) {
            Matcher m = LAYER.matcher(name);
            if (m.find()) {
                layers.add(Integer.parseInt(m.group(1)));
            }
        }
        int numLayers = layers.size();
        if (numLayers == 0 || layers.first() != 0 || layers.last() != numLayers - 1) {
            throw new WeightFormatException(path, "encoder layer indices are not 0.." + (numLayers - 1) + ": " + layers);
        }

        OptionalInt heads = headsFromGraph(model, linear, hidden);
        OptionalDouble eps = layerNormEpsFromGraph(model);
        Optional<String> act = activationFromGraph(model);
        if (config == null && (heads.isEmpty() || eps.isEmpty() || act.isEmpty())) {
            throw new WeightFormatException(path, "the graph does not show the "
                    + (heads.isEmpty() ? "number of attention heads" : eps.isEmpty() ? "LayerNorm epsilon" : "activation")
                    + "; load it with the model's config.json");
        }
        EncoderHyperparameters hp;
        try {
            hp = new EncoderHyperparameters(
                    toInt(path, word.dim(0), "vocab size"),
                    hidden,
                    numLayers,
                    heads.orElseGet(() -> config.numAttentionHeads()),
                    toInt(path, intermediate.dim(0), "intermediate size"),
                    toInt(path, position.dim(0), "max positions"),
                    toInt(path, tokenType.dim(0), "type vocab size"),
                    eps.orElseGet(() -> config.layerNormEps()),
                    act.orElseGet(() -> config.hiddenAct()));
        } catch (IllegalArgumentException e) {
            throw new WeightFormatException(path, e.getMessage(), e);
        }
        if (config != null) {
            hp.requireSameAs(config, path + " vs config.json");
        }
        return hp;
    }

    /**
     * Heads from the Reshape that splits a query/key/value projection: its target shape ends in
     * {@code [heads, head_dim]} with {@code heads * head_dim == hidden}, given either as a
     * constant or as a Concat whose last two inputs are constants. Every such Reshape must agree.
     */
    static OptionalInt headsFromGraph(OnnxModel model, Map<String, String> linear, int hidden) {
        Set<Long> found = new LinkedHashSet<>();
        for (OnnxNode node : model.nodes()) {
            if (!node.opType().equals("MatMul") || node.inputs().size() != 2) {
                continue;
            }
            String hf = linear.get(node.inputs().get(1));
            if (hf == null || !QKV.matcher(hf).find()) {
                continue;
            }
            List<String> values = new ArrayList<>();
            values.add(node.outputs().getFirst());
            for (OnnxNode add : model.consumers(node.outputs().getFirst())) {
                if (add.opType().equals("Add")) {
                    values.add(add.outputs().getFirst());
                }
            }
            for (String v : values) {
                for (OnnxNode reshape : model.consumers(v)) {
                    if (reshape.opType().equals("Reshape") && reshape.inputs().size() >= 2) {
                        long[] shape = constantInts(model, reshape.inputs().get(1));
                        int n = shape.length;
                        // Bounded before multiplying: hostile constants must not overflow into a match.
                        if (n >= 2 && shape[n - 2] > 0 && shape[n - 1] > 0 && shape[n - 2] <= hidden && shape[n - 1] <= hidden
                                && shape[n - 2] * shape[n - 1] == hidden) {
                            found.add(shape[n - 2]);
                        }
                    }
                }
            }
        }
        if (found.size() > 1) {
            throw new WeightFormatException(model.path(), "attention Reshapes disagree on the number of heads: " + found);
        }
        return found.isEmpty() ? OptionalInt.empty() : OptionalInt.of(Math.toIntExact(found.iterator().next()));
    }

    /** A Reshape target: a constant, or a Concat of pieces where unknown (dynamic) pieces read as -1. */
    private static long[] constantInts(OnnxModel model, String value) {
        Optional<OnnxTensorInfo> c = model.constant(value);
        if (c.isPresent()) {
            return isSmallInteger(c.get(), Long.MAX_VALUE) ? model.int64Values(value) : new long[0];
        }
        Optional<OnnxNode> producer = model.producer(value);
        if (producer.isEmpty() || !producer.get().opType().equals("Concat")) {
            return new long[0];
        }
        List<Long> out = new ArrayList<>();
        for (String in : producer.get().inputs()) {
            Optional<OnnxTensorInfo> piece = model.constant(in);
            if (piece.isPresent() && isSmallInteger(piece.get(), 1)) {
                out.add(model.int64Values(in)[0]);
            } else {
                out.add(-1L);
            }
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    /** An INT64/INT32 constant of at most {@code maxValues} values (and never more than a shape needs). */
    private static boolean isSmallInteger(OnnxTensorInfo t, long maxValues) {
        OnnxDataType type = t.dataType();
        return (type == OnnxDataType.INT64 || type == OnnxDataType.INT32) && t.numel() <= Math.min(maxValues, OnnxParser.MAX_RANK);
    }

    /** Epsilon of the LayerNorms: a LayerNormalization attribute, or the scalar in {@code Sqrt(Add(var, eps))}. */
    static OptionalDouble layerNormEpsFromGraph(OnnxModel model) {
        Set<Float> found = new LinkedHashSet<>();
        for (OnnxNode node : model.nodes()) {
            if (node.opType().equals("LayerNormalization")) {
                found.add(node.attribute("epsilon").map(OnnxAttribute::f).orElse(1e-5f));
            } else if (node.opType().equals("Sqrt") && node.inputs().size() == 1) {
                Optional<OnnxNode> add = model.producer(node.inputs().getFirst());
                if (add.isEmpty() || !add.get().opType().equals("Add")) {
                    continue;
                }
                for (String in : add.get().inputs()) {
                    Optional<OnnxTensorInfo> c = model.constant(in);
                    if (c.isPresent() && c.get().numel() == 1 && c.get().dataType() != null && c.get().dataType().dtype() != null) {
                        found.add(model.floatValues(in)[0]);
                    }
                }
            }
        }
        if (found.size() > 1) {
            throw new WeightFormatException(model.path(), "LayerNorms use different epsilons: " + found);
        }
        // The file holds a float32; widen it through its shortest decimal form so 1e-12 reads as 1e-12.
        return found.isEmpty() ? OptionalDouble.empty() : OptionalDouble.of(Double.parseDouble(Float.toString(found.iterator().next())));
    }

    /** {@code "gelu"} for an Erf (exact GELU), {@code "gelu_new"} for a tanh approximation. */
    static Optional<String> activationFromGraph(OnnxModel model) {
        Set<String> found = new LinkedHashSet<>();
        for (OnnxNode node : model.nodes()) {
            switch (node.opType()) {
                case "Erf" -> found.add("gelu");
                case "Gelu" -> found.add(node.attribute("approximate").map(OnnxAttribute::s).orElse("none").equals("tanh")
                        ? "gelu_new" : "gelu");
                case "Tanh" -> {
                    if (node.name().contains("intermediate")) {
                        found.add("gelu_new");
                    }
                }
                default -> {
                }
            }
        }
        if (found.size() > 1) {
            throw new WeightFormatException(model.path(), "the graph mixes activations " + found);
        }
        return found.stream().findFirst();
    }

    private static Tensor require(Path path, Map<String, Tensor> byName, String name) {
        Tensor t = byName.get(name);
        if (t == null) {
            throw new WeightFormatException(path, "no tensor maps to '" + name + "'; is this a BERT encoder?");
        }
        return t;
    }

    private static int toInt(Path path, long v, String what) {
        if (v <= 0 || v > Integer.MAX_VALUE) {
            throw new WeightFormatException(path, what + " " + v + " is out of range");
        }
        return (int) v;
    }
}
