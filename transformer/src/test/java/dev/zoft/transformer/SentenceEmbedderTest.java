package dev.zoft.transformer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zoft.transformer.bert.MiniLm;
import dev.zoft.transformer.fixtures.MiniLmGolden;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Text in, sentence-transformers embeddings out: the bundled MiniLM against the PyTorch fixture. */
class SentenceEmbedderTest {
    private static SentenceEmbedder embedder;
    private static MiniLmGolden golden;

    @BeforeAll
    static void load() {
        embedder = SentenceEmbedder.miniLm();
        golden = MiniLmGolden.load();
    }

    @AfterAll
    static void close() {
        embedder.close();
    }

    private static List<String> texts() {
        List<String> texts = new ArrayList<>();
        for (MiniLmGolden.Sentence s : golden.sentences()) {
            texts.add(s.text());
        }
        return texts;
    }

    @Test
    void embeddingsOfTextMatchPyTorch() {
        float[][] e = embedder.embed(texts());
        assertEquals(golden.size(), e.length);
        for (int i = 0; i < e.length; i++) {
            assertEquals(MiniLm.CONFIG.hiddenSize(), e[i].length);
            for (int j = 0; j < e[i].length; j++) {
                assertEquals(golden.pooledL2(i)[j], e[i][j], 1e-4f, "sentence " + i + " dim " + j);
            }
        }
    }

    /** More texts than one batch: split into several forwards, same results as one text at a time. */
    @Test
    void textsBeyondOneBatchAreEmbeddedInOrder() {
        List<String> many = new ArrayList<>();
        while (many.size() <= SentenceEmbedder.BATCH_SIZE) {
            many.addAll(texts().subList(0, 7));
        }
        float[][] e = embedder.embed(many);
        assertEquals(many.size(), e.length);
        for (int i : new int[] {0, 6, SentenceEmbedder.BATCH_SIZE, many.size() - 1}) {
            float[] alone = embedder.embed(many.get(i));
            for (int j = 0; j < alone.length; j++) {
                assertEquals(alone[j], e[i][j], 1e-5f, "text " + i);
            }
        }
    }

    @Test
    void similarSentencesAreCloserThanUnrelatedOnes() {
        float[][] sim = embedder.similarities(List.of(
                "A man is eating food.", "A man is eating a piece of bread.", "A man is riding a horse.",
                "The stock market fell sharply today."));
        for (int i = 0; i < 4; i++) {
            assertEquals(1f, sim[i][i], 1e-5f);
        }
        assertTrue(sim[0][1] > sim[0][2], "eating/eating " + sim[0][1] + " vs eating/riding " + sim[0][2]);
        assertTrue(sim[0][2] > sim[0][3], "eating/riding " + sim[0][2] + " vs eating/stocks " + sim[0][3]);
        assertEquals(sim[1][2], sim[2][1]);
    }

    @Test
    void cosineOfKnownVectors() {
        assertEquals(1f, SentenceEmbedder.cosine(new float[] {1, 2, 3}, new float[] {2, 4, 6}), 1e-6f);
        assertEquals(0f, SentenceEmbedder.cosine(new float[] {1, 0}, new float[] {0, 5}), 1e-6f);
        assertEquals(-1f, SentenceEmbedder.cosine(new float[] {1, 1}, new float[] {-3, -3}), 1e-6f);
        assertEquals(0f, SentenceEmbedder.cosine(new float[] {0, 0}, new float[] {1, 1}));
        assertThrows(IllegalArgumentException.class, () -> SentenceEmbedder.cosine(new float[2], new float[3]));
    }

    @Test
    void normalisedEmbeddingsHaveUnitLength() {
        float[] e = embedder.embed("unit length please");
        double sq = 0;
        for (float x : e) {
            sq += x * x;
        }
        assertEquals(1.0, Math.sqrt(sq), 1e-5);
        assertArrayEquals(e, embedder.embed("unit length please"));
    }
}
