package dev.zoft.zo.task;

import dev.zoft.tensor.Tensor;
import dev.zoft.tensor.ops.Kernels;
import dev.zoft.transformer.decoder.DecoderBatch;
import dev.zoft.transformer.decoder.DecoderConfig;
import dev.zoft.transformer.decoder.DecoderWeights;

/**
 * Causal language modelling as a ZO objective: the mean negative log-likelihood of each batch's
 * labelled next tokens ({@code DecoderModel.causalLmLoss}), through the streaming LM head.
 */
public final class CausalLmObjective extends DecoderObjective<CausalLmObjective.Batch> {

    /**
     * Token sequences and, per row, the token to predict there or {@link DecoderBatch#IGNORE}.
     *
     * @param tokens the padded sequences
     * @param labels one entry per token
     */
    public record Batch(DecoderBatch tokens, int[] labels) {
        public Batch {
            if (labels.length != tokens.tokens()) {
                throw new IllegalArgumentException(labels.length + " labels for " + tokens.tokens() + " tokens");
            }
            labels = labels.clone();
        }

        /** Every next token of every sequence is a target. */
        public static Batch nextTokens(DecoderBatch tokens) {
            return new Batch(tokens, tokens.nextTokenLabels());
        }

        @Override
        public int[] labels() {
            return labels.clone();
        }

        long labelled() {
            long n = 0;
            for (int l : labels) {
                n += l == DecoderBatch.IGNORE ? 0 : 1;
            }
            return n;
        }
    }

    /** See {@link DecoderObjective#DecoderObjective}. */
    public CausalLmObjective(DecoderConfig config, DecoderWeights base, Kernels kernels, DecoderSubset subset, int split) {
        super(config, base, kernels, subset, split);
    }

    @Override
    protected DecoderBatch tokens(Batch batch) {
        return batch.tokens();
    }

    @Override
    protected double headLoss(Tensor hidden, Batch batch) {
        return model().causalLmLoss(hidden, batch.tokens(), batch.labels);
    }

    @Override
    protected long scoredRows(Batch batch) {
        return batch.labelled();
    }
}
