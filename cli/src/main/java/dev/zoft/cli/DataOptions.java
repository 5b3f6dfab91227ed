package dev.zoft.cli;

import dev.zoft.zo.data.Dataset;
import dev.zoft.zo.data.DatasetFormat;
import dev.zoft.zo.data.DatasetReader;
import dev.zoft.zo.data.DatasetSplits;
import dev.zoft.zo.data.Datasets;
import dev.zoft.zo.data.LoadResult;
import dev.zoft.zo.data.ReadOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Where the training commands get their data:
 * <ul>
 *   <li>no {@code --data}: the bundled demo sentiment set (its train and dev splits);</li>
 *   <li>{@code --data DIR}: a GLUE SST-2 folder ({@code train.tsv} and {@code dev.tsv});</li>
 *   <li>{@code --data FILE}: a .tsv, .csv or .jsonl file of {@code text}/{@code sentence} and
 *       {@code label}; its dev set is {@code --dev FILE}, or else a held-out fifth of it
 *       (chosen by the seed).</li>
 * </ul>
 * Files are read strictly: the first malformed row fails with {@code file:line: problem}, unless
 * {@code --skip-malformed} is given, in which case malformed rows are skipped and the load report
 * (how many, which problems, the first few lines) is printed.
 */
final class DataOptions {
    private DataOptions() {
    }

    /** Reads train and dev splits as {@code --data}, {@code --dev} and {@code --skip-malformed} say. */
    static DatasetSplits trainAndDev(Args args, long seed, PrintStream report) throws IOException {
        ReadOptions options = ReadOptions.defaults().withSkipMalformed(args.flag("skip-malformed"));
        String data = args.string("data", null);
        String dev = args.string("dev", null);
        if (data == null) {
            if (dev != null) {
                throw new UsageException("--dev needs --data (the demo set has its own dev split)");
            }
            return Datasets.demo();
        }
        Path path = Path.of(data);
        if (Files.isDirectory(path)) {
            Dataset train = load(requireFile(path.resolve("train.tsv"), "an SST-2 folder needs train.tsv and dev.tsv"),
                    options, report);
            Dataset devSet = dev != null ? load(requireFile(Path.of(dev), null), options, report)
                    : load(requireFile(path.resolve("dev.tsv"), "an SST-2 folder needs train.tsv and dev.tsv"), options, report);
            return new DatasetSplits(train, devSet);
        }
        Dataset all = load(requireFile(path, null), options, report);
        if (dev != null) {
            return new DatasetSplits(all, load(requireFile(Path.of(dev), null), options, report));
        }
        return holdOut(all, seed);
    }

    /**
     * The dataset to evaluate on: {@code --data FILE}, the {@code dev.tsv} of {@code --data DIR},
     * or the demo set's dev split.
     */
    static Dataset evaluationSet(Args args, PrintStream report) throws IOException {
        ReadOptions options = ReadOptions.defaults().withSkipMalformed(args.flag("skip-malformed"));
        String data = args.string("data", null);
        if (data == null) {
            return Datasets.demoDev();
        }
        Path path = Path.of(data);
        if (Files.isDirectory(path)) {
            return load(requireFile(path.resolve("dev.tsv"), "a GLUE folder needs dev.tsv"), options, report);
        }
        return load(requireFile(path, null), options, report);
    }

    /** A seeded split of {@code all}: a fifth (at least one example) for dev, the rest for training. */
    static DatasetSplits holdOut(Dataset all, long seed) {
        if (all.size() < 2) {
            throw new IllegalArgumentException(all.source() + " has " + all.size()
                    + " example(s): too few to hold out a dev set (give --dev FILE)");
        }
        Dataset shuffled = all.shuffled(seed);
        int devSize = Math.max(1, all.size() / 5);
        int[] devIdx = new int[devSize];
        int[] trainIdx = new int[all.size() - devSize];
        for (int i = 0; i < devSize; i++) {
            devIdx[i] = i;
        }
        for (int i = devSize; i < all.size(); i++) {
            trainIdx[i - devSize] = i;
        }
        return new DatasetSplits(shuffled.subset(trainIdx, "held-in 4/5"), shuffled.subset(devIdx, "held-out 1/5"));
    }

    private static Dataset load(Path file, ReadOptions options, PrintStream report) throws IOException {
        DatasetFormat format;
        try {
            format = DatasetFormat.fromFileName(file);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        LoadResult r = DatasetReader.load(file, format, options);
        if (r.report().skippedTotal() > 0) {
            report.println(r.report().summary());
        }
        return r.dataset();
    }

    private static Path requireFile(Path file, String hint) throws NoSuchFileException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null,
                    Files.isDirectory(file) ? "is a directory, not a dataset file" : "no such file" + (hint == null ? "" : " (" + hint + ")"));
        }
        return file;
    }
}
