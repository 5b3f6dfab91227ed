package dev.zoft.zo.log;

import dev.zoft.zo.params.Update;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Appends updates to a seed log file as they happen, so a run killed at any moment leaves a log
 * whose only possible flaw is a torn last record ({@link SeedLog#readRecovering} drops it, and
 * {@link #resume} truncates it away before appending again).
 */
public final class SeedLogWriter implements AutoCloseable {

    private final FileChannel channel;
    private final DataOutputStream out;
    private long records;

    private SeedLogWriter(FileChannel channel, long records) {
        this.channel = channel;
        this.out = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(channel)));
        this.records = records;
    }

    /** Creates (or replaces) {@code file} holding only {@code header}. */
    public static SeedLogWriter create(Path file, SeedLog.Header header) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        SeedLogWriter w = new SeedLogWriter(ch, 0);
        SeedLog.writeHeader(w.out, header);
        w.out.flush();
        return w;
    }

    /**
     * Opens an existing log to append to it: reads it (dropping a torn last record, which is cut off
     * the file) and positions after its last valid record. {@link #recovered} tells what was found.
     */
    public static SeedLogWriter resume(Path file) throws IOException {
        SeedLog.Recovered r = SeedLog.readRecovering(file);
        FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE);
        ch.truncate(r.validBytes());
        ch.position(r.validBytes());
        SeedLogWriter w = new SeedLogWriter(ch, r.log().size());
        w.recovered = r;
        return w;
    }

    private SeedLog.Recovered recovered;

    /** For a {@link #resume}d writer, the log found in the file; null for a created one. */
    public SeedLog.Recovered recovered() {
        return recovered;
    }

    public void append(Update update) throws IOException {
        SeedLog.writeRecord(out, update);
        records++;
    }

    public void appendAll(List<Update> updates) throws IOException {
        for (Update u : updates) {
            append(u);
        }
    }

    /** Records written to the file in total (including those found by {@link #resume}). */
    public long records() {
        return records;
    }

    /** Pushes buffered records to the file and forces them to the storage device. */
    public void sync() throws IOException {
        out.flush();
        channel.force(false);
    }

    @Override
    public void close() throws IOException {
        try (channel) {
            out.flush();
        }
    }
}
