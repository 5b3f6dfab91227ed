package dev.zoft.federation.protocol;

import java.util.Arrays;

/**
 * The projected-gradient scalars of S local steps, K per step (the estimator's
 * {@code scalarsPerStep()}, in its documented order), as floats: what travels and what the log
 * keeps. Step s's scalars are {@code values[s·K .. s·K + K)}. Immutable; every value is finite.
 */
public final class StepScalars {

    private final int steps;
    private final int perStep;
    private final float[] values;

    private StepScalars(int steps, int perStep, float[] values) {
        this.steps = steps;
        this.perStep = perStep;
        this.values = values;
    }

    /**
     * {@code steps × perStep} values, step-major (copied).
     *
     * @throws IllegalArgumentException if the sizes disagree or a value is not finite
     */
    public static StepScalars of(int steps, int perStep, float[] values) {
        if (steps < 1 || perStep < 1) {
            throw new IllegalArgumentException("need at least one step and one scalar per step, got " + steps + " × " + perStep);
        }
        if ((long) steps * perStep != values.length) {
            throw new IllegalArgumentException(steps + " × " + perStep + " scalars expected, got " + values.length);
        }
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                throw new IllegalArgumentException("scalar " + i + " is not finite: " + values[i]);
            }
        }
        return new StepScalars(steps, perStep, values.clone());
    }

    /** Each step's double scalars rounded to float, in order. */
    public static StepScalars ofSteps(double[][] perStepScalars) {
        int s = perStepScalars.length;
        if (s == 0) {
            throw new IllegalArgumentException("no steps");
        }
        int k = perStepScalars[0].length;
        float[] v = new float[Math.multiplyExact(s, k)];
        for (int i = 0; i < s; i++) {
            if (perStepScalars[i].length != k) {
                throw new IllegalArgumentException("step " + i + " has " + perStepScalars[i].length + " scalars, step 0 has " + k);
            }
            for (int j = 0; j < k; j++) {
                v[i * k + j] = (float) perStepScalars[i][j];
            }
        }
        return of(s, k, v);
    }

    public int steps() {
        return steps;
    }

    public int perStep() {
        return perStep;
    }

    /** Number of scalars, {@code steps × perStep}. */
    public int size() {
        return values.length;
    }

    /** Value {@code i} in step-major order. */
    public float get(int i) {
        return values[i];
    }

    /** All values, step-major (a copy). */
    public float[] values() {
        return values.clone();
    }

    /** Step {@code s}'s scalars widened to double: what {@code Estimator.updates} takes. */
    public double[] step(int s) {
        if (s < 0 || s >= steps) {
            throw new IndexOutOfBoundsException("step " + s + " of " + steps);
        }
        double[] d = new double[perStep];
        for (int j = 0; j < perStep; j++) {
            d[j] = values[s * perStep + j];
        }
        return d;
    }

    @Override
    public boolean equals(Object o) {
        // Compared by bits (Arrays.equals on floats uses floatToIntBits): the log must match exactly.
        return o instanceof StepScalars x && steps == x.steps && perStep == x.perStep && Arrays.equals(values, x.values);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * steps + perStep) + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "StepScalars[" + steps + " × " + perStep + "]";
    }
}
