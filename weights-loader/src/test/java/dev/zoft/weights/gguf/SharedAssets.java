package dev.zoft.weights.gguf;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates {@code ../shared/assets}; a missing folder fails the test with a clear message, never skips it. */
public final class SharedAssets {
    private SharedAssets() {
    }

    /** {@code assets/<relative>}, which must exist. */
    public static Path asset(String relative) {
        String dir = System.getProperty("zoft.shared.dir");
        if (dir == null) {
            throw new AssertionError("system property zoft.shared.dir is not set (run the tests through Maven)");
        }
        Path p = Path.of(dir, "assets", relative);
        if (!Files.exists(p)) {
            throw new AssertionError("test asset " + p + " is missing: the shared assets folder is incomplete");
        }
        return p;
    }
}
