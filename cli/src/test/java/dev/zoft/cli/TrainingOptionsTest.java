package dev.zoft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zoft.tensor.random.Distribution;
import dev.zoft.zo.estimate.FedSpzo;
import dev.zoft.zo.estimate.MeZo;
import dev.zoft.zo.estimate.RestoreMode;
import dev.zoft.zo.task.ClassifierOptions;
import dev.zoft.zo.task.TrainableSubset;
import dev.zoft.zo.train.EstimatorSpec;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TrainingOptionsTest {

    private static TrainingOptions parse(String... argv) {
        Args a = Args.parse(List.of(argv), TrainingOptions.withValued("steps"), Set.of());
        return TrainingOptions.parse(a, TrainingOptions.Defaults.FINETUNE);
    }

    private static String usageError(String... argv) {
        return assertThrows(UsageException.class, () -> parse(argv)).getMessage();
    }

    @Test
    void defaultsAreTheFinetuneDefaults() {
        TrainingOptions o = parse();
        assertEquals(EstimatorSpec.Method.FEDSPZO_NESTED, o.estimator().method());
        assertEquals(2, o.estimator().p1());
        assertEquals(4, o.estimator().p2());
        assertEquals(1e-3f, o.estimator().epsilon());
        assertEquals(TrainableSubset.bitFit(), o.subset());
        assertEquals(ClassifierOptions.AUTO_SPLIT, o.split());
        assertNull(o.lrEnd());
        assertEquals(16, o.batch());
        assertTrue(o.estimator().create() instanceof FedSpzo);
    }

    @Test
    void everyFlagIsRead() {
        TrainingOptions o = parse("--estimator", "MeZO", "--p", "3", "--eps", "5e-4", "--lr", "2e-5", "--lr-end", "0",
                "--distribution", "rademacher", "--restore", "in-place", "--subset", "top-2", "--split", "3",
                "--max-tokens", "32", "--seed", "-7", "--batch", "8", "--steps", "10");
        assertEquals(EstimatorSpec.Method.MEZO, o.estimator().method());
        MeZo mezo = (MeZo) o.estimator().create();
        assertEquals(3, mezo.directions());
        assertEquals(5e-4f, mezo.settings().epsilon());
        assertEquals(Distribution.RADEMACHER, mezo.settings().distribution());
        assertEquals(RestoreMode.IN_PLACE, mezo.settings().restore());
        assertEquals(TrainableSubset.topLayers(2), o.subset());
        ClassifierOptions c = o.classifier();
        assertEquals(3, c.splitLayer());
        assertEquals(32, c.maxTokens());
        assertEquals(-7, o.seed());
        assertEquals(8, o.batch());
        assertEquals(2e-5, o.learningRate(100).schedule().at(0));
        assertEquals(1e-5, o.learningRate(100).schedule().at(50), 1e-18);
        assertEquals(0.0, o.learningRate(100).schedule().at(100));
        FedSpzo d = (FedSpzo) parse("--estimator", "fedspzo-decoupled", "--p1", "1", "--p2", "8").estimator().create();
        assertEquals(FedSpzo.Variant.DECOUPLED, d.variant());
        assertEquals(8, d.p2());
    }

    @Test
    void badValuesAreUsageErrorsNamingTheFlag() {
        assertTrue(usageError("--estimator", "sgd").startsWith("--estimator: unknown estimator 'sgd'"));
        assertTrue(usageError("--eps", "abc").contains("--eps must be a number, got 'abc'"));
        assertTrue(usageError("--eps", "0").contains("--eps must be between"));
        assertTrue(usageError("--eps", "NaN").contains("--eps must be between"));
        assertTrue(usageError("--lr", "-1").contains("--lr must be between"));
        assertTrue(usageError("--lr", "Infinity").contains("--lr must be between"));
        assertTrue(usageError("--subset", "some").contains("--subset: unknown trainable subset 'some'"));
        assertTrue(usageError("--split", "x").contains("--split must be a whole number"));
        assertTrue(usageError("--p1", "0").contains("--p1 must be between 1 and 4096"));
        assertTrue(usageError("--estimator", "mezo", "--p2", "4").contains("MeZO takes --p"));
        assertTrue(usageError("--p", "4").contains("FedSPZO takes --p1 and --p2"));
        assertTrue(usageError("--distribution", "uniform").contains("gaussian, rademacher"));
        assertTrue(usageError("--batch", "0").contains("--batch must be between 1"));
        assertTrue(usageError("--seed", "1.5").contains("--seed must be a whole number"));
        assertTrue(usageError("--p1", "4096", "--p2", "4096").contains("at most 65,536 directions"));
    }
}
