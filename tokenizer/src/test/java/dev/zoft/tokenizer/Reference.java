package dev.zoft.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * The reference: Hugging Face's Rust tokenizer through DJL's JNI binding, loaded from the same
 * tokenizer.json. DJL adds its own defaults on top of the file (padding to the longest, truncation),
 * so the instances here switch those off or set them explicitly; special tokens are added as the
 * file's post-processor says. DJL's telemetry and hub access are disabled: it only reads local files.
 */
final class Reference {
    static {
        System.setProperty("OPT_OUT_TRACKING", "true");
        System.setProperty("ai.djl.offline", "true");
    }

    private static HuggingFaceTokenizer plain;

    private Reference() {
    }

    /** MiniLM, special tokens added, no truncation, no padding: ids as the pipeline produces them. */
    static synchronized HuggingFaceTokenizer miniLm() {
        if (plain == null) {
            plain = create(TestFiles.miniLmTokenizerJson(), Map.of(
                    "addSpecialTokens", "true", "padding", "false", "truncation", "false"));
        }
        return plain;
    }

    static HuggingFaceTokenizer create(Path json, Map<String, String> options) {
        try {
            return HuggingFaceTokenizer.newInstance(json, options);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int[] ids(HuggingFaceTokenizer tokenizer, String text) {
        return toInts(tokenizer.encode(text).getIds());
    }

    static int[] toInts(long[] values) {
        return Arrays.stream(values).mapToInt(Math::toIntExact).toArray();
    }

    static long[] toLongs(int[] values) {
        return Arrays.stream(values).mapToLong(v -> v).toArray();
    }
}
