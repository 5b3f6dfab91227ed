package dev.zoft.transformer.bert;

import dev.zoft.tensor.Tensor;

import java.util.Map;

/**
 * A test oracle: BERT written as directly as possible, one sequence at a time, in double, from the
 * parameter map by Hugging Face name. Shares no code with {@link BertModel} or the kernels.
 */
final class NaiveBert {
    private final BertConfig c;
    private final Map<String, Tensor> p;

    NaiveBert(BertConfig config, Map<String, Tensor> params) {
        this.c = config;
        this.p = params;
    }

    /** Last hidden states [len][H] of one unpadded sequence. */
    double[][] forward(int[] ids, int[] typeIds) {
        int n = ids.length;
        int h = c.hiddenSize();
        double[][] x = new double[n][h];
        for (int t = 0; t < n; t++) {
            for (int i = 0; i < h; i++) {
                x[t][i] = get("embeddings.word_embeddings.weight", (long) ids[t] * h + i)
                        + get("embeddings.token_type_embeddings.weight", (long) typeIds[t] * h + i)
                        + get("embeddings.position_embeddings.weight", (long) t * h + i);
            }
        }
        x = layerNorm(x, "embeddings.LayerNorm");
        for (int l = 0; l < c.numLayers(); l++) {
            String pre = "encoder.layer." + l + ".";
            double[][] q = linear(x, pre + "attention.self.query");
            double[][] k = linear(x, pre + "attention.self.key");
            double[][] v = linear(x, pre + "attention.self.value");
            double[][] ctx = new double[n][h];
            int d = c.headDim();
            for (int head = 0; head < c.numHeads(); head++) {
                int o = head * d;
                for (int i = 0; i < n; i++) {
                    double[] s = new double[n];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < n; j++) {
                        for (int e = 0; e < d; e++) {
                            s[j] += q[i][o + e] * k[j][o + e];
                        }
                        s[j] /= Math.sqrt(d);
                        max = Math.max(max, s[j]);
                    }
                    double z = 0;
                    for (int j = 0; j < n; j++) {
                        s[j] = Math.exp(s[j] - max);
                        z += s[j];
                    }
                    for (int j = 0; j < n; j++) {
                        for (int e = 0; e < d; e++) {
                            ctx[i][o + e] += s[j] / z * v[j][o + e];
                        }
                    }
                }
            }
            x = layerNorm(add(linear(ctx, pre + "attention.output.dense"), x), pre + "attention.output.LayerNorm");
            double[][] inter = linear(x, pre + "intermediate.dense");
            for (double[] row : inter) {
                for (int i = 0; i < row.length; i++) {
                    row[i] = 0.5 * row[i] * (1 + erf(row[i] / Math.sqrt(2)));
                }
            }
            x = layerNorm(add(linear(inter, pre + "output.dense"), x), pre + "output.LayerNorm");
        }
        return x;
    }

    private double[][] linear(double[][] x, String name) {
        Tensor w = p.get(name + ".weight");
        int out = (int) w.dim(0);
        int in = (int) w.dim(1);
        double[][] y = new double[x.length][out];
        for (int t = 0; t < x.length; t++) {
            for (int o = 0; o < out; o++) {
                double acc = get(name + ".bias", o);
                for (int i = 0; i < in; i++) {
                    acc += x[t][i] * w.getFloat((long) o * in + i);
                }
                y[t][o] = acc;
            }
        }
        return y;
    }

    private double[][] layerNorm(double[][] x, String name) {
        double[][] y = new double[x.length][];
        for (int t = 0; t < x.length; t++) {
            int h = x[t].length;
            double mean = 0;
            for (double v : x[t]) {
                mean += v / h;
            }
            double var = 0;
            for (double v : x[t]) {
                var += (v - mean) * (v - mean) / h;
            }
            y[t] = new double[h];
            for (int i = 0; i < h; i++) {
                y[t][i] = (x[t][i] - mean) / Math.sqrt(var + c.layerNormEps()) * get(name + ".weight", i) + get(name + ".bias", i);
            }
        }
        return y;
    }

    private static double[][] add(double[][] a, double[][] b) {
        double[][] y = new double[a.length][a[0].length];
        for (int t = 0; t < a.length; t++) {
            for (int i = 0; i < a[t].length; i++) {
                y[t][i] = a[t][i] + b[t][i];
            }
        }
        return y;
    }

    private double get(String name, long i) {
        return p.get(name).getFloat(i);
    }

    /**
     * erf in double: the Maclaurin series for |x| < 3 (largest term ~3e3, so ~1e-13 absolute), the
     * erfc continued fraction {@code e^{-x²}/√π / (x + ½/(x + 1/(x + 3/2/(x + …))))} beyond.
     */
    static double erf(double x) {
        double ax = Math.abs(x);
        double r;
        if (ax < 3) {
            double sum = 0;
            double term = ax;
            for (int n = 0; n < 100; n++) {
                sum += term / (2 * n + 1);
                term *= -ax * ax / (n + 1);
            }
            r = 2 / Math.sqrt(Math.PI) * sum;
        } else {
            double t = ax;
            for (int k = 80; k >= 1; k--) {
                t = ax + (k / 2.0) / t;
            }
            r = 1 - Math.exp(-ax * ax) / Math.sqrt(Math.PI) / t;
        }
        return Math.signum(x) * r;
    }
}
