package dev.zoft.cli;

import dev.zoft.zo.task.DecoderClassifierOptions;
import dev.zoft.zo.task.DecoderClassifierTask;
import dev.zoft.zo.train.BaseModel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The decoder flags {@code zoft finetune} and {@code zoft eval} share: {@code --model PATH},
 * {@code --template T} and {@code --label-words W1,W2,...}. A problem with the model (missing,
 * not a decoder, no tokenizer, a label word of several tokens) is an {@link IllegalArgumentException}
 * naming the path, which {@code Main} prints as one error line (exit 1); a malformed template is a
 * {@link UsageException}.
 */
final class DecoderOptions {
    static final String USAGE = """
              --model PATH        a decoder LM: a .gguf file or a Hugging Face folder
              --task T            classify (label words, default) or lm (causal LM on --data FILE.txt)
              --template T        prompt template holding {sentence} once (default "{sentence} It was")
              --label-words W,W   one label word per class, in label order, comma-separated with
                                  their leading spaces (default " terrible, great")""".indent(2).stripTrailing();

    private DecoderOptions() {
    }

    /** The model {@code --model} names. */
    static BaseModel base(Args args) {
        return BaseModel.decoder(Path.of(args.required("model")));
    }

    /** The label words: {@code --label-words} split at commas, spaces kept. */
    static List<String> labelWords(Args args) {
        if (!args.has("label-words")) {
            return DecoderClassifierOptions.SENTIMENT_WORDS;
        }
        return Arrays.asList(args.string("label-words", "").split(",", -1));
    }

    /** The label-word classifier over {@code base} with the command's flags. */
    static DecoderClassifierTask classifier(BaseModel base, Args args, TrainingOptions training, Compute compute) {
        DecoderClassifierOptions options = training.decoderClassifier(
                args.string("template", DecoderClassifierOptions.DEFAULT_TEMPLATE), labelWords(args));
        return base.decoderClassifier(compute.kernels(), options);
    }
}
