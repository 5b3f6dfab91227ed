package dev.zoft.zo.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GLUE SST-2 from the shared folder: read in place, never copied into the project. */
class Sst2Test {

    static Path sst2Folder() {
        String shared = System.getProperty("zoft.shared.dir");
        if (shared == null) {
            throw new AssertionError("system property zoft.shared.dir is not set (run through Maven)");
        }
        Path folder = Path.of(shared, "datasets", "sst2");
        if (!Files.isRegularFile(folder.resolve("train.tsv"))) {
            throw new AssertionError("SST-2 is missing: expected " + folder.resolve("train.tsv"));
        }
        return folder;
    }

    @Test
    void loadsBothSplitsWithTheirDifferentHeaders() throws IOException {
        DatasetSplits s = Datasets.sst2(sst2Folder());
        assertEquals(67_349, s.train().size());
        assertEquals(872, s.dev().size());
        assertArrayEquals(new int[] {428, 444}, s.dev().labelCounts());
        int[] train = s.train().labelCounts();
        assertEquals(67_349, train[0] + train[1]);
        assertEquals("hide new secretions from the parental units", s.train().text(0));
        assertEquals(0, s.train().label(0));
        assertEquals("one long string of cliches .", s.dev().text(0));
        assertTrue(s.train().source().endsWith("train.tsv"));
    }

    @Test
    void theReportedSettingPartitionsTheFullTrainingSet() throws IOException {
        Dataset train = Datasets.sst2(sst2Folder()).train();
        Partition p = DirichletPartition.of(100, 0.5).split(train, 2024);
        assertEquals(67_349, p.total());
        int min = Integer.MAX_VALUE;
        int max = 0;
        for (int s : p.sizes()) {
            min = Math.min(min, s);
            max = Math.max(max, s);
        }
        double skew = p.meanMajorityFraction(train.labelArray(), 2);
        System.out.printf("SST-2 train over 100 clients, alpha 0.5: sizes %d..%d, mean majority-label fraction %.3f%n",
                min, max, skew);
        assertTrue(min >= 1);
        assertTrue(skew > 0.7 && skew < 0.95, "alpha 0.5 on two classes should be clearly skewed: " + skew);
    }

    @Test
    void aFolderWithoutTheFilesIsAClearError(@TempDir Path dir) {
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> Datasets.sst2(dir));
        assertTrue(e.getMessage().contains("train.tsv"), e.getMessage());
    }
}
