package dev.zoft.weights;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A {@code NodeProto} of the main graph.
 *
 * @param name       node name (exporters encode the module path in it, e.g.
 *                   {@code /encoder/layer.0/attention/self/query/MatMul})
 * @param opType     operator, e.g. {@code MatMul}
 * @param domain     operator domain, empty for the default ONNX domain
 * @param inputs     names of the values consumed, in order (an empty string skips an optional input)
 * @param outputs    names of the values produced
 * @param attributes attributes by name
 */
public record OnnxNode(String name, String opType, String domain, List<String> inputs, List<String> outputs,
                       Map<String, OnnxAttribute> attributes) {

    public Optional<OnnxAttribute> attribute(String attributeName) {
        return Optional.ofNullable(attributes.get(attributeName));
    }

    @Override
    public String toString() {
        return opType + " " + name + " " + inputs + " -> " + outputs;
    }
}
