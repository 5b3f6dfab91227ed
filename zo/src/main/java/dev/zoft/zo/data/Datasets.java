package dev.zoft.zo.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The datasets zoft knows by name: the bundled demo sentiment set and GLUE SST-2.
 *
 * <p>Both are binary sentiment with labels 0 = negative, 1 = positive ({@link Labels#sentiment()}),
 * stored as GLUE TSV with a {@code label<TAB>sentence} (or {@code content}) header.
 */
public final class Datasets {

    /** Classpath folder of the demo set (train.tsv, dev.tsv, README.md). */
    public static final String DEMO_RESOURCE_DIR = "/dev/zoft/zo/data/demo-sentiment/";

    private Datasets() {
    }

    /**
     * The training split of the demo sentiment set that ships with zoft: short original reviews
     * written for the project (see the README next to it), balanced, 0 = negative, 1 = positive.
     */
    public static Dataset demoTrain() {
        return demo("train.tsv");
    }

    /** The development split of the demo sentiment set (no text shared with {@link #demoTrain()}). */
    public static Dataset demoDev() {
        return demo("dev.tsv");
    }

    /** Both demo splits. */
    public static DatasetSplits demo() {
        return new DatasetSplits(demoTrain(), demoDev());
    }

    /**
     * GLUE SST-2 from a folder holding {@code train.tsv} and {@code dev.tsv} (text column
     * {@code sentence} or {@code content}, label column {@code label}, 0/1), read strictly.
     *
     * @throws NoSuchFileException if the folder or one of the files is missing
     * @throws DatasetFormatException if a file is malformed
     */
    public static DatasetSplits sst2(Path folder) throws IOException {
        ReadOptions options = ReadOptions.defaults();
        Dataset train = DatasetReader.load(requireFile(folder, "train.tsv"), DatasetFormat.TSV, options).dataset();
        Dataset dev = DatasetReader.load(requireFile(folder, "dev.tsv"), DatasetFormat.TSV, options).dataset();
        return new DatasetSplits(train, dev);
    }

    private static Path requireFile(Path folder, String name) throws NoSuchFileException {
        Path f = folder.resolve(name);
        if (!Files.isRegularFile(f)) {
            throw new NoSuchFileException(f.toString(), null,
                    "not a GLUE SST-2 folder: " + name + " missing (expected train.tsv and dev.tsv in " + folder + ")");
        }
        return f;
    }

    private static Dataset demo(String file) {
        String resource = DEMO_RESOURCE_DIR + file;
        try (InputStream in = Datasets.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("demo dataset resource " + resource + " is missing from the classpath");
            }
            return DatasetReader.load(in, "classpath:" + resource.substring(1), DatasetFormat.TSV,
                    ReadOptions.defaults()).dataset();
        } catch (IOException e) {
            // the resource ships inside the jar: a failure here is a broken build, not bad user input
            throw new UncheckedIOException("cannot read bundled demo dataset " + resource, e);
        }
    }
}
