package dev.zoft.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Tokenizing all of SST-2's training set (67,349 sentences) must take seconds, not minutes. The
 * bound is loose because the build machine is shared; the measured time is printed.
 */
class ThroughputTest {
    @Test
    void tokenizesSst2TrainInSeconds() throws Exception {
        HfTokenizer t = TokenizerJson.load(TestFiles.miniLmTokenizerJson());
        List<String> train = TestFiles.sst2Sentences("train.tsv", Integer.MAX_VALUE);
        assertEquals(67349, train.size());
        t.encodeBatch(train.subList(0, 5000)); // warm-up
        long start = System.nanoTime();
        long tokens = 0;
        for (Encoding e : t.encodeBatch(train)) {
            tokens += e.length();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("tokenized %d SST-2 sentences (%d tokens) in %.3f s%n", train.size(), tokens, seconds);
        assertTrue(tokens > 67349 * 3, "every sentence has [CLS], [SEP] and words");
        assertTrue(seconds < 15, "tokenizing SST-2 train took " + seconds + " s");
    }
}
