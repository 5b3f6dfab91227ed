package dev.zoft.cli;

import dev.zoft.weights.SafetensorsWriter;
import dev.zoft.zo.train.FinetunedRun;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * {@code zoft export}: a run's finetuned model as one safetensors file: every encoder tensor under
 * its Hugging Face name plus the head's class vectors ({@code head.class_vectors}), with the run
 * manifest in the metadata.
 */
final class ExportCommand implements Command {
    @Override
    public String name() {
        return "export";
    }

    @Override
    public String summary() {
        return "write a run's finetuned model (encoder + head) as safetensors";
    }

    @Override
    public String usage() {
        return """
                usage: zoft export --run DIR --out FILE.safetensors [--threads N]

                Rebuilds the run's finetuned model (as zoft apply does, with the same checks) and
                writes all of it as safetensors: the encoder's tensors under Hugging Face BERT names
                (embeddings.*, encoder.layer.N.*), trained or not, and the classifier head's class
                vectors as head.class_vectors [classes x hidden]. The metadata holds the run manifest
                (zoft.manifest), the label names and the base model's SHA-256.

                  --run DIR     a run directory written by zoft finetune
                  --out FILE    the safetensors file to write (replaced if it exists)
                  --threads N   worker threads (default: the machine's cores)""";
    }

    @Override
    public int run(List<String> argv, PrintStream out) throws IOException {
        Args args = Args.parse(argv, Set.of("run", "out", "threads"), Set.of());
        args.noPositional(name());
        Threads.apply(args);
        Path run = Path.of(args.required("run"));
        Path file = outputFile(args.required("out"));
        try (Compute compute = Compute.open();
             FinetunedRun r = FinetunedRun.load(run, compute.kernels(), compute.pool())) {
            SafetensorsWriter.write(file, r.allTensors(), r.safetensorsMetadata());
            out.printf("wrote %s: %d tensors (%d seed-log updates replayed onto %s), %d bytes%n", file,
                    r.allTensors().size(), r.log().size(), r.manifest().model(), Files.size(file));
        }
        return 0;
    }

    /** Checks an output path before any work: not a directory, parent creatable. */
    static Path outputFile(String name) {
        Path file = Path.of(name);
        if (Files.isDirectory(file)) {
            throw new UsageException("--out " + file + " is a directory; give a file name such as model.safetensors");
        }
        return file;
    }
}
