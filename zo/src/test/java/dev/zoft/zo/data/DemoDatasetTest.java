package dev.zoft.zo.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DemoDatasetTest {

    @Test
    void sizesAndBalance() {
        Dataset train = Datasets.demoTrain();
        Dataset dev = Datasets.demoDev();
        assertTrue(train.size() >= 400, "train has " + train.size());
        assertEquals(120, dev.size());
        assertEquals(train.labelCounts()[0], train.labelCounts()[1], "train must be balanced");
        assertArrayEquals(new int[] {60, 60}, dev.labelCounts());
        assertEquals(Labels.sentiment(), train.labels());
        assertEquals("classpath:dev/zoft/zo/data/demo-sentiment/train.tsv", train.source());
    }

    @Test
    void noDuplicatesWithinOrAcrossSplits() {
        Set<String> seen = new HashSet<>();
        for (Dataset d : List.of(Datasets.demoTrain(), Datasets.demoDev())) {
            for (String t : d.texts()) {
                assertTrue(seen.add(normalise(t)), "duplicate sentence: " + t);
            }
        }
    }

    @Test
    void noDevSentenceNearlyRepeatsATrainingSentence() {
        List<Set<String>> train = new ArrayList<>();
        for (String t : Datasets.demoTrain().texts()) {
            train.add(tokens(t));
        }
        double worst = 0;
        String worstPair = "";
        for (String d : Datasets.demoDev().texts()) {
            Set<String> dt = tokens(d);
            for (int i = 0; i < train.size(); i++) {
                double j = jaccard(dt, train.get(i));
                if (j > worst) {
                    worst = j;
                    worstPair = d + " | " + Datasets.demoTrain().text(i);
                }
            }
        }
        assertTrue(worst < 0.6, "near-duplicate across splits (Jaccard " + worst + "): " + worstPair);
    }

    @Test
    void styleIsLowerCaseSpaceTokenized() {
        for (Dataset d : List.of(Datasets.demoTrain(), Datasets.demoDev())) {
            for (String t : d.texts()) {
                assertEquals(t.toLowerCase(Locale.ROOT), t, t);
                assertEquals(t.strip(), t, "no surrounding spaces: '" + t + "'");
                assertFalse(t.contains("  "), t);
                assertTrue(t.split(" ").length >= 3, "too short: " + t);
            }
        }
    }

    @Test
    void readmeShipsNextToTheData() throws IOException {
        try (InputStream in = Datasets.class.getResourceAsStream(Datasets.DEMO_RESOURCE_DIR + "README.md")) {
            assertTrue(in != null, "README.md missing");
            String readme = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(readme.contains("" + Datasets.demoTrain().size()), "README must state the train size");
        }
    }

    private static String normalise(String s) {
        return s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", " ").strip();
    }

    private static Set<String> tokens(String s) {
        return new HashSet<>(List.of(normalise(s).split(" ")));
    }

    private static double jaccard(Set<String> a, Set<String> b) {
        Set<String> inter = new HashSet<>(a);
        inter.retainAll(b);
        return (double) inter.size() / (a.size() + b.size() - inter.size());
    }
}
