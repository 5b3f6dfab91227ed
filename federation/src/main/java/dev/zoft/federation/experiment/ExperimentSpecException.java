package dev.zoft.federation.experiment;

import java.io.IOException;
import java.nio.file.Path;

/** A spec file that cannot be used: names the file and the problem. */
public final class ExperimentSpecException extends IOException {
    public ExperimentSpecException(Path file, String problem) {
        super(file + ": " + problem);
    }
}
