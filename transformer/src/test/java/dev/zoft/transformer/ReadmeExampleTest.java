package dev.zoft.transformer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.zoft.tensor.Tensor;
import dev.zoft.tensor.VectorWidth;
import dev.zoft.tensor.ops.Kernels;
import dev.zoft.tensor.parallel.WorkerPool;
import dev.zoft.tokenizer.HfTokenizer;
import dev.zoft.tokenizer.TokenizerJson;
import dev.zoft.transformer.bert.BertModel;
import dev.zoft.weights.BertOnnx;
import dev.zoft.weights.BundledModel;
import dev.zoft.weights.EncoderCheckpoint;
import java.lang.foreign.Arena;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's library example, kept compiling and checked: the pieces agree with SentenceEmbedder. */
class ReadmeExampleTest {

    @Test
    void thePiecesGiveTheSameEmbeddingsAsSentenceEmbedderAndABlockSplitForwardEqualsTheFullOne() throws Exception {
        List<String> texts = List.of("hello world", "good morning");
        float[][] viaEmbedder;
        try (SentenceEmbedder embedder = SentenceEmbedder.miniLm()) {
            viaEmbedder = embedder.embed(texts);
        }

        HfTokenizer tokenizer = TokenizerJson.load(BundledModel.ALL_MINILM_L6_V2.tokenizerJson());
        try (WorkerPool pool = WorkerPool.create(2);
             EncoderCheckpoint checkpoint = BertOnnx.load(BundledModel.ALL_MINILM_L6_V2.onnx());
             BertModel model = BertModel.load(checkpoint, Kernels.create(VectorWidth.configured(), pool))) {
            EncoderBatch batch = EncoderBatch.of(tokenizer.encodePadded(texts));
            float[] fullLastHidden;
            try (EncoderOutput out = model.forward(batch)) {
                float[][] pooled = out.embeddings(true);
                for (int i = 0; i < texts.size(); i++) {
                    assertEquals(384, pooled[i].length);
                    for (int d = 0; d < 384; d++) {
                        assertEquals(viaEmbedder[i][d], pooled[i][d], 1e-5f, "text " + i + " dim " + d);
                    }
                }
                fullLastHidden = out.lastHidden().toFloatArray();
            }
            try (Arena arena = Arena.ofShared()) {
                Tensor hidden = model.embed(batch, arena);
                model.runLayers(hidden, batch, 0, 3);
                Tensor block1 = hidden.toF32(arena);
                model.runLayers(block1, batch, 3, model.numLayers());
                assertArrayEquals(fullLastHidden, block1.toFloatArray());
                assertTrue(SentenceEmbedder.cosine(viaEmbedder[0], viaEmbedder[1]) < 0.99f);
            }
        }
    }
}
