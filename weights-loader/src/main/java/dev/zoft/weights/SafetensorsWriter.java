package dev.zoft.weights;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.zoft.tensor.Tensor;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes F32, F16 and BF16 tensors as safetensors, single-file or sharded with a Hugging Face
 * index, so that checkpoints produced by zoft open in the Python ecosystem.
 *
 * <p>The metadata always carries {@code "format"}: {@code "pt"} unless the caller sets it, because
 * Hugging Face transformers refuses safetensors files without a known framework there.
 *
 * <p>Tensors are laid out by decreasing element size, then in the caller's order, and the header
 * is padded with spaces to a multiple of 8 bytes (as the spec does), so every tensor starts at an
 * offset aligned to its element size. Files are written to a temporary sibling and moved into
 * place, so a reader never sees a half-written checkpoint.
 */
public final class SafetensorsWriter {
    private static final JsonFactory JSON = new JsonFactory();
    /** Chunk size for channel writes: ByteBuffer views are limited to 2 GB. */
    private static final long WRITE_CHUNK = 1L << 30;

    private SafetensorsWriter() {
    }

    /** Writes every tensor of {@code store} with its metadata. */
    public static void write(Path file, TensorStore store) {
        write(file, store.tensors(), store.metadata());
    }

    /** Value of the {@code format} metadata key when the caller does not give one. */
    public static final String DEFAULT_FORMAT = "pt";

    /**
     * Writes {@code tensors} (name to tensor, iteration order kept within an element size) with
     * {@code metadata} as {@code __metadata__}, plus {@code "format": "pt"} if absent.
     */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) {
        List<Map.Entry<String, Tensor>> ordered = new ArrayList<>(tensors.entrySet());
        // Stable sort: larger elements first keeps every tensor aligned to its element size.
        ordered.sort(Comparator.comparingInt((Map.Entry<String, Tensor> e) -> -e.getValue().dtype().byteSize()));
        byte[] header = header(ordered, metadata);
        AtomicFileWrite.write(file, tmp -> {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).flip();
                writeFully(ch, len);
                writeFully(ch, ByteBuffer.wrap(header));
                for (Map.Entry<String, Tensor> e : ordered) {
                    MemorySegment data = e.getValue().segment();
                    for (long off = 0; off < data.byteSize(); off += WRITE_CHUNK) {
                        writeFully(ch, data.asSlice(off, Math.min(WRITE_CHUNK, data.byteSize() - off)).asByteBuffer());
                    }
                }
                ch.force(true);
            }
        });
    }

    /**
     * Writes {@code tensors} as shards of at most {@code maxShardBytes} of tensor data (a larger
     * tensor gets a shard of its own) named {@code model-00001-of-0000N.safetensors}, plus
     * {@value Safetensors#INDEX_FILE_NAME} with {@code metadata.total_size} and the weight map.
     * Each shard carries {@code metadata} as its {@code __metadata__}.
     *
     * @return the index file
     */
    public static Path writeSharded(Path dir, Map<String, Tensor> tensors, Map<String, String> metadata, long maxShardBytes) {
        if (maxShardBytes <= 0) {
            throw new IllegalArgumentException("maxShardBytes must be positive: " + maxShardBytes);
        }
        List<Map<String, Tensor>> shards = new ArrayList<>();
        Map<String, Tensor> current = new LinkedHashMap<>();
        long currentBytes = 0;
        long total = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            long bytes = e.getValue().segment().byteSize();
            if (!current.isEmpty() && currentBytes + bytes > maxShardBytes) {
                shards.add(current);
                current = new LinkedHashMap<>();
                currentBytes = 0;
            }
            current.put(e.getKey(), e.getValue());
            currentBytes += bytes;
            total += bytes;
        }
        if (!current.isEmpty() || shards.isEmpty()) {
            shards.add(current);
        }
        Map<String, String> weightMap = new LinkedHashMap<>();
        for (int i = 0; i < shards.size(); i++) {
            String name = String.format("model-%05d-of-%05d.safetensors", i + 1, shards.size());
            write(dir.resolve(name), shards.get(i), metadata);
            for (String tensor : shards.get(i).keySet()) {
                weightMap.put(tensor, name);
            }
        }
        Path index = dir.resolve(Safetensors.INDEX_FILE_NAME);
        writeIndex(index, total, weightMap);
        return index;
    }

    private static void writeIndex(Path index, long totalSize, Map<String, String> weightMap) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeObjectFieldStart("metadata");
            g.writeNumberField("total_size", totalSize);
            g.writeEndObject();
            g.writeObjectFieldStart("weight_map");
            for (Map.Entry<String, String> e : weightMap.entrySet()) {
                g.writeStringField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        AtomicFileWrite.write(index, tmp -> Files.write(tmp, out.toByteArray()));
    }

    /** The JSON header, space-padded so that {@code 8 + length} is a multiple of 8. */
    static byte[] header(List<Map.Entry<String, Tensor>> ordered, Map<String, String> metadata) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeObjectFieldStart("__metadata__");
            if (!metadata.containsKey("format")) {
                g.writeStringField("format", DEFAULT_FORMAT);
            }
            for (Map.Entry<String, String> e : metadata.entrySet()) {
                g.writeStringField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
            long offset = 0;
            for (Map.Entry<String, Tensor> e : ordered) {
                Tensor t = e.getValue();
                if (e.getKey().equals("__metadata__")) {
                    throw new IllegalArgumentException("'__metadata__' is reserved and cannot name a tensor");
                }
                long bytes = t.segment().byteSize();
                g.writeObjectFieldStart(e.getKey());
                g.writeStringField("dtype", SafetensorsDType.of(t.dtype()).name());
                g.writeArrayFieldStart("shape");
                for (long d : t.shape()) {
                    g.writeNumber(d);
                }
                g.writeEndArray();
                g.writeArrayFieldStart("data_offsets");
                g.writeNumber(offset);
                g.writeNumber(offset + bytes);
                g.writeEndArray();
                g.writeEndObject();
                offset += bytes;
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] json = out.toByteArray();
        int padded = (json.length + 7) & ~7;
        byte[] header = Arrays.copyOf(json, padded);
        Arrays.fill(header, json.length, padded, (byte) ' ');
        return header;
    }

    private static void writeFully(FileChannel ch, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            ch.write(buffer);
        }
    }

}
