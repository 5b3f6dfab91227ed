package dev.zoft.tensor.random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The 128- and 512-bit generator kernels are copies of the 256-bit one with the width replaced
 * (the Vector API needs a constant species per class to emit SIMD code). This keeps them copies:
 * an edit to one width that is not made to the others fails here, before it can make replays on
 * machines of different widths diverge.
 */
class VectorKernelSourcesTest {
    private static final Path DIR = Path.of("src/main/java/dev/zoft/tensor/random");

    @ParameterizedTest
    @ValueSource(strings = {"128", "512"})
    void everyWidthIsTheTwoHundredFiftySixBitSourceWithItsWidthReplaced(String bits) throws IOException {
        Path reference = DIR.resolve("VectorKernel256.java");
        Path copy = DIR.resolve("VectorKernel" + bits + ".java");
        assertTrue(Files.isRegularFile(reference), "run from the tensor module folder: " + reference.toAbsolutePath());
        assertEquals(Files.readString(reference), Files.readString(copy).replace(bits, "256"),
                copy + " has drifted from VectorKernel256.java: regenerate it with sed 's/256/" + bits + "/g'");
    }
}
