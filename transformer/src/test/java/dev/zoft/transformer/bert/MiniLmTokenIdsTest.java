package dev.zoft.transformer.bert;

import static dev.zoft.transformer.bert.MiniLmTestModel.all;
import static dev.zoft.transformer.bert.MiniLmTestModel.batchOf;
import static dev.zoft.transformer.bert.MiniLmTestModel.golden;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.zoft.tokenizer.HfTokenizer;
import dev.zoft.tokenizer.Padding;
import dev.zoft.transformer.EncoderBatch;
import dev.zoft.weights.BundledModel;
import dev.zoft.transformer.fixtures.MiniLmGolden;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The golden fixture's token ids are the Hugging Face tokenizer's, and zoft's WordPiece produces
 * the same ids, so the golden comparison also holds from text.
 */
class MiniLmTokenIdsTest {

    @Test
    void fixtureIdsAreTheHuggingFaceTokenizers() throws IOException {
        try (HuggingFaceTokenizer hf = HuggingFaceTokenizer.builder()
                .optTokenizerPath(BundledModel.ALL_MINILM_L6_V2.tokenizerJson())
                .optPadding(false)
                .optTruncation(false)
                .build()) {
            for (MiniLmGolden.Sentence s : golden().sentences()) {
                assertArrayEquals(s.ids(), Arrays.stream(hf.encode(s.text()).getIds()).mapToInt(Math::toIntExact).toArray(),
                        s.text());
            }
        }
    }

    /** The loader reads the hyperparameters from the ONNX graph; they must be MiniLM's. */
    @Test
    void bundledCheckpointIsAllMiniLmL6V2() {
        assertEquals(MiniLm.CONFIG, MiniLmTestModel.bundledConfig());
        // 22,713,216 published, minus the pooler (384 × 384 + 384) that the ONNX export drops.
        assertEquals(22_565_376L, MiniLmTestModel.weights().parameterCount());
    }

    @Test
    void zoftTokenizerGivesTheFixtureIds() {
        HfTokenizer tok = MiniLm.bundledTokenizer();
        for (MiniLmGolden.Sentence s : golden().sentences()) {
            assertArrayEquals(s.ids(), tok.encode(s.text()).ids(), s.text());
            assertArrayEquals(s.typeIds(), tok.encode(s.text()).typeIds(), s.text());
        }
    }

    @Test
    void zoftPaddedBatchIsTheFixtureBatch() {
        HfTokenizer tok = MiniLm.bundledTokenizer().withPadding(Padding.longest(0, "[PAD]"));
        List<String> texts = new ArrayList<>();
        for (MiniLmGolden.Sentence s : golden().sentences()) {
            texts.add(s.text());
        }
        EncoderBatch fromText = EncoderBatch.of(tok.encodePadded(texts));
        EncoderBatch fromFixture = batchOf(0, all());
        assertEquals(fromFixture.seqLen(), fromText.seqLen());
        assertArrayEquals(fromFixture.ids(), fromText.ids());
        assertArrayEquals(fromFixture.mask(), fromText.mask());
        assertArrayEquals(fromFixture.typeIds(), fromText.typeIds());
    }
}
