package dev.zoft.cli;

import dev.zoft.weights.SafetensorsWriter;
import dev.zoft.zo.train.FinetunedRun;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code zoft apply}: base model + seed log → finetuned weights. Verifies the base weights file
 * against the run's SHA-256 and the log against the manifest, replays the log and reports what
 * it changed. With {@code --out} it writes the tensors the run trained (the trainable subset and
 * the head, finetuned) as safetensors: small, and together with the base model the whole
 * finetuned model. {@code zoft export} writes the whole model in one file instead; both share
 * {@link FinetunedRun} and {@link SafetensorsWriter}.
 */
final class ApplyCommand implements Command {
    @Override
    public String name() {
        return "apply";
    }

    @Override
    public String summary() {
        return "replay a run's seed log onto the base model (verified) and report or save the result";
    }

    @Override
    public String usage() {
        return """
                usage: zoft apply --run DIR [--out FILE.safetensors] [--threads N]

                Rebuilds a finetuned model from the base weights and the run's seed log: checks that
                the base weights file has the SHA-256 the run recorded and that the seed log belongs
                to the run, replays every update (bit for bit the weights the run ended with) and
                reports how far they moved the trainable parameters.

                  --run DIR     a run directory written by zoft finetune
                  --out FILE    also write the trained tensors (trainable subset + head) as
                                safetensors; zoft export writes the whole model instead
                  --threads N   worker threads (default: the machine's cores)""";
    }

    @Override
    public int run(List<String> argv, PrintStream out) throws IOException {
        Args args = Args.parse(argv, Set.of("run", "out", "threads"), Set.of());
        args.noPositional(name());
        Threads.apply(args);
        Path run = Path.of(args.required("run"));
        Path file = args.has("out") ? ExportCommand.outputFile(args.string("out", null)) : null;
        try (Compute compute = Compute.open();
             FinetunedRun r = FinetunedRun.load(run, compute.kernels(), compute.pool())) {
            out.printf("base %s: SHA-256 %s verified (%s)%n", r.manifest().model(), r.manifest().weightsSha256(),
                    r.base().weightsFile());
            out.printf("seed log %s: %d updates (%s, %s)%s%n", run.resolve(r.manifest().seedLog()), r.log().size(),
                    r.manifest().describeEstimator(), r.manifest().learningRate().describe(),
                    r.droppedBytes() > 0 ? "; dropped a torn last record of " + r.droppedBytes() + " bytes" : "");
            FinetunedRun.Change c = r.change();
            out.printf(Locale.ROOT, "applied in %.2f s: %d of %d trainable parameters changed (subset %s + head), "
                    + "|delta|_2 = %.6g, max |delta| = %.6g%n", r.replaySeconds(), c.changed(), c.parameters(),
                    r.manifest().trainableSubset(), c.l2(), c.maxAbs());
            if (file != null) {
                SafetensorsWriter.write(file, r.trainedTensors(), r.safetensorsMetadata());
                out.printf("wrote %s: %d trained tensors, %d bytes%n", file, r.trainedTensors().size(), Files.size(file));
            }
        }
        return 0;
    }
}
