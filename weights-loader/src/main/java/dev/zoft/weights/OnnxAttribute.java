package dev.zoft.weights;

import java.util.List;

/**
 * An {@code AttributeProto} of a node, limited to the kinds a weight loader needs: a float, an
 * int, a string, a tensor (located, not read), or lists of floats or ints. Graph-valued
 * attributes (subgraphs of If/Loop) are not read.
 *
 * @param name   attribute name
 * @param type   {@code AttributeType} number from the file (1 FLOAT, 2 INT, 3 STRING, 4 TENSOR, 6 FLOATS, 7 INTS...)
 * @param f      value of a FLOAT attribute
 * @param i      value of an INT attribute
 * @param s      value of a STRING attribute, decoded as UTF-8, or null
 * @param tensor value of a TENSOR attribute, or null
 * @param floats values of a FLOATS attribute
 * @param ints   values of an INTS attribute
 */
public record OnnxAttribute(String name, int type, float f, long i, String s, OnnxTensorInfo tensor,
                            List<Float> floats, List<Long> ints) {
}
