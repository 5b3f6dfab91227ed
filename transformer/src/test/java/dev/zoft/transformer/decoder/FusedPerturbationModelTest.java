package dev.zoft.transformer.decoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.zoft.tensor.DType;
import dev.zoft.tensor.Tensor;
import dev.zoft.tensor.VectorWidth;
import dev.zoft.tensor.ops.Kernels;
import dev.zoft.tensor.ops.PerturbedKernels;
import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.tensor.random.Distribution;
import dev.zoft.tensor.random.PerturbationGenerator;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A whole decoder forward on {@link PerturbedKernels} — every parameter perturbed on the fly, the
 * (mapped, read-only, and for two fixtures BF16 or F16) weights never written — gives bit for bit the logits and loss of the same
 * forward after perturbing copies of every parameter in place, on each fixture architecture
 * (embeddings, positions, norms with and without bias, fused QKV, biases, tied and untied heads).
 */
class FusedPerturbationModelTest {

    private static final WorkerPool POOL = WorkerPool.create(2);

    @Test
    void fusedForwardEqualsInPlacePerturbationOnEveryArchitecture() {
        VectorWidth width = VectorWidth.configured();
        for (String name : DecoderFixture.MODELS) {
            DecoderFixture f = DecoderFixture.load(name);
            List<int[]> seqs = DecoderModelProperties.sequences(name.hashCode(), 3, 12, f.vocab());
            DecoderBatch batch = DecoderBatch.leftPadded(seqs, 1);
            for (Distribution d : Distribution.values()) {
                try (DecoderModel loaded = f.model(width, POOL); Arena arena = Arena.ofShared()) {
                    Map<String, Tensor> named = loaded.weights().named();
                    named.remove("rope_freqs"); // not a parameter the forward reads through kernels (absent here)
                    float[] before = named.get("embed").toFloatArray();
                    long seed = 42 + name.length();
                    float c = 1e-2f;

                    PerturbedKernels fusedKernels = new PerturbedKernels(Kernels.create(width, POOL));
                    Map<String, Tensor> copies = new LinkedHashMap<>();
                    PerturbationGenerator generator = PerturbationGenerator.of(width);
                    long index = 0;
                    for (Map.Entry<String, Tensor> e : named.entrySet()) {
                        Tensor t = e.getValue();
                        fusedKernels.register(t, index);
                        Tensor copy = t.toF32(arena); // BF16/F16 matrices stay half precision in the model
                        generator.axpy(d, seed, index, c, copy.segment(), copy.numel());
                        copies.put(e.getKey(), copy);
                        index += t.numel();
                    }
                    DecoderModel fused = new DecoderModel(loaded.config(), loaded.weights(), fusedKernels);
                    DecoderModel inPlace = new DecoderModel(loaded.config(), loaded.weights().withReplaced(copies),
                            Kernels.create(width, POOL));

                    fusedKernels.perturb(d, seed, c);
                    float[] fusedLogits = fused.logits(batch, arena).toFloatArray();
                    double fusedLoss = fused.causalLmLoss(batch, batch.nextTokenLabels());
                    fusedKernels.clear();
                    double plainLoss = fused.causalLmLoss(batch, batch.nextTokenLabels());

                    assertArrayEquals(inPlace.logits(batch, arena).toFloatArray(), fusedLogits, name + " " + d);
                    assertEquals(inPlace.causalLmLoss(batch, batch.nextTokenLabels()), fusedLoss, 0.0, name + " " + d);
                    assertEquals(loaded.causalLmLoss(batch, batch.nextTokenLabels()), plainLoss, 0.0,
                            name + ": cleared kernels see the weights as they are");
                    org.junit.jupiter.api.Assertions.assertNotEquals(plainLoss, fusedLoss, name + ": the perturbation is seen");
                    assertArrayEquals(before, named.get("embed").toFloatArray(), 0f, name + ": weights never written");
                }
            }
        }
    }

    @Test
    void refusesOverlappingRegistrationsAndHeapTensors() {
        try (Arena arena = Arena.ofShared()) {
            PerturbedKernels k = new PerturbedKernels(Kernels.create(VectorWidth.configured(), POOL));
            Tensor t = Tensor.allocate(arena, DType.F32, 8, 4);
            k.register(t, 0);
            assertThrows(IllegalArgumentException.class, () -> k.register(t.slice(2, 4), 100));
            assertThrows(IllegalArgumentException.class,
                    () -> k.register(Tensor.wrap(MemorySegment.ofArray(new float[4]), DType.F32, 4), 0));
            assertThrows(IllegalArgumentException.class, () -> k.perturb(Distribution.GAUSSIAN, 1, Float.POSITIVE_INFINITY));
            k.perturb(Distribution.GAUSSIAN, 1, 0.1f);
            Tensor other = Tensor.allocate(arena, DType.F32, 8, 4);
            assertThrows(IllegalStateException.class, () -> k.addInPlace(other, t), "a parameter as an addend is refused");
        }
    }
}
