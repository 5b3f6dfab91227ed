package dev.zoft.zo.params;

import dev.zoft.tensor.ops.PerturbedKernels;
import dev.zoft.tensor.random.Distribution;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One direction of a fused evaluation: the parameters of {@code view} seen as
 * {@code θ + c·z(seed)} (see {@link dev.zoft.zo.SplitObjective#perturbFused}).
 */
public record FusedDirection(ParameterView view, Distribution distribution, long seed, float c) {

    public FusedDirection {
        Objects.requireNonNull(view, "view");
        Objects.requireNonNull(distribution, "distribution");
        if (!Float.isFinite(c)) {
            throw new IllegalArgumentException("the coefficient c must be finite, got " + c);
        }
    }

    /** Registers every tensor of {@code view} but those named in {@code except} with {@code kernels}, at its global index. */
    public static void register(PerturbedKernels kernels, ParameterView view, Set<String> except) {
        for (ParameterView.Entry e : view.entries()) {
            if (!except.contains(e.name())) {
                kernels.register(e.tensor(), e.offset());
            }
        }
    }

    /**
     * Makes {@code kernels} see exactly {@code directions} (clearing what was set before), over
     * their views' tensors but those named in {@code except} (which their owner perturbs itself).
     */
    public static void perturb(PerturbedKernels kernels, List<FusedDirection> directions, Set<String> except) {
        kernels.clear();
        for (FusedDirection d : directions) {
            for (ParameterView.Entry e : d.view().entries()) {
                if (e.tensor().numel() > 0 && !except.contains(e.name())) {
                    kernels.perturb(e.offset(), e.end(), d.distribution(), d.seed(), d.c());
                }
            }
        }
    }
}
