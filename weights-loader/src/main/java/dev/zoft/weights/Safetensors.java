package dev.zoft.weights;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.zoft.tensor.DType;
import dev.zoft.tensor.Tensor;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads safetensors checkpoints, single-file or sharded, by memory-mapping them: tensors are
 * slices of the mapped file, nothing is copied onto the Java heap, and the store returned owns
 * the mappings.
 *
 * <p>Layout (spec): 8-byte little-endian header length {@code N}; {@code N} bytes of UTF-8 JSON
 * (padded with spaces); then the byte buffer the JSON's {@code data_offsets} index. Tensors of
 * type F32, F16 and BF16 are loaded; tensors of other spec types are validated and listed in
 * {@link TensorStore#unsupported()}; an unknown type is an error.
 *
 * <p>Every size is checked against the file before use: a header length past the end of the file
 * or over {@value #MAX_HEADER_BYTES} bytes, offsets outside the buffer, overlapping tensors and
 * shapes whose size disagrees with their byte range are reported as {@link WeightFormatException}.
 * Gaps between tensors are tolerated (the reference implementation rejects them).
 */
public final class Safetensors {
    /** Headers above this size are rejected as absurd (real ones are at most a few MB). */
    public static final long MAX_HEADER_BYTES = 100L << 20;

    /** Hugging Face's name for the index of a sharded checkpoint. */
    public static final String INDEX_FILE_NAME = "model.safetensors.index.json";
    /** Hugging Face's name for a single-file checkpoint. */
    public static final String SINGLE_FILE_NAME = "model.safetensors";

    private static final ValueLayout.OfLong I64_LE =
            ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final long MAX_INDEX_BYTES = 100L << 20;

    private Safetensors() {
    }

    /**
     * Opens a checkpoint: a {@code .safetensors} file, a {@code *.index.json} sharded index, or a
     * directory holding {@value #INDEX_FILE_NAME} or {@value #SINGLE_FILE_NAME}.
     */
    public static TensorStore open(Path path) {
        if (Files.isDirectory(path)) {
            Path index = path.resolve(INDEX_FILE_NAME);
            if (Files.isRegularFile(index)) {
                return openSharded(index);
            }
            Path single = path.resolve(SINGLE_FILE_NAME);
            if (Files.isRegularFile(single)) {
                return openFile(single);
            }
            throw new WeightFormatException(path, "directory holds neither " + INDEX_FILE_NAME + " nor " + SINGLE_FILE_NAME);
        }
        String fileName = String.valueOf(path.getFileName());
        return fileName.endsWith(".index.json") ? openSharded(path) : openFile(path);
    }

    /** Maps one {@code .safetensors} file. */
    public static TensorStore openFile(Path file) {
        TensorStore.Builder builder = TensorStore.builder(file.toString());
        try {
            addFile(builder, file, null);
            return builder.build();
        } catch (RuntimeException e) {
            builder.abort();
            throw e;
        }
    }

    /**
     * Maps every shard named by a Hugging Face index ({@code {"metadata": {...}, "weight_map":
     * {"tensor": "shard.safetensors"}}}). Shards must be plain file names in the index's folder;
     * every tensor of the weight map must be in the shard it names. The store's metadata holds the
     * index's {@code metadata} entries (as strings) merged with each shard's {@code __metadata__}.
     */
    public static TensorStore openSharded(Path indexFile) {
        Index index = readIndex(indexFile);
        TensorStore.Builder builder = TensorStore.builder(indexFile.toString());
        try {
            builder.metadata(index.metadata);
            Path dir = indexFile.toAbsolutePath().getParent();
            Map<String, Map<String, Boolean>> byShard = new LinkedHashMap<>();
            for (Map.Entry<String, String> e : index.weightMap.entrySet()) {
                byShard.computeIfAbsent(e.getValue(), k -> new LinkedHashMap<>()).put(e.getKey(), Boolean.FALSE);
            }
            for (Map.Entry<String, Map<String, Boolean>> shard : byShard.entrySet()) {
                Path shardFile = dir.resolve(shard.getKey());
                if (!Files.isRegularFile(shardFile)) {
                    throw new WeightFormatException(indexFile, "weight_map names shard '" + shard.getKey()
                            + "', which does not exist in " + dir);
                }
                addFile(builder, shardFile, shard.getValue());
                for (Map.Entry<String, Boolean> wanted : shard.getValue().entrySet()) {
                    if (!wanted.getValue()) {
                        throw new WeightFormatException(indexFile, "weight_map puts '" + wanted.getKey() + "' in "
                                + shard.getKey() + ", which does not hold it");
                    }
                }
            }
            return builder.build();
        } catch (RuntimeException e) {
            builder.abort();
            throw e;
        }
    }

    /**
     * Maps {@code file} and adds its tensors to {@code builder}; when {@code wanted} is not null
     * only those names are added, and each one found is marked {@code true}.
     */
    private static void addFile(TensorStore.Builder builder, Path file, Map<String, Boolean> wanted) {
        MappedFile mapped = MappedFile.open(file);
        builder.owns(mapped).file(file);
        long size = mapped.size();
        if (size < 8) {
            throw new WeightFormatException(file, "file of " + size + " bytes is too short for a safetensors header length");
        }
        long headerLength = mapped.segment().get(I64_LE, 0);
        if (headerLength < 2 || headerLength > MAX_HEADER_BYTES) {
            throw new WeightFormatException(file, "header length " + Long.toUnsignedString(headerLength)
                    + " is absurd (expected 2.." + MAX_HEADER_BYTES + " bytes)");
        }
        if (headerLength > size - 8) {
            throw new WeightFormatException(file, "header length " + headerLength + " runs past the end of the file ("
                    + size + " bytes)");
        }
        byte[] json = mapped.slice(8, headerLength, "header").toArray(ValueLayout.JAVA_BYTE);
        long dataStart = 8 + headerLength;
        SafetensorsHeader header = SafetensorsHeader.parse(file, json, size - dataStart);
        if (wanted == null) {
            builder.metadata(header.metadata);
        } else {
            header.metadata.forEach(builder::metadata);
        }
        for (SafetensorsHeader.Entry e : header.entries) {
            if (wanted != null) {
                if (!wanted.containsKey(e.name())) {
                    continue;
                }
                wanted.put(e.name(), Boolean.TRUE);
            }
            DType dtype = e.dtype().dtype();
            if (dtype == null) {
                builder.unsupported(e.name(), "element type " + e.dtype() + " (zoft loads F32, F16 and BF16)");
                continue;
            }
            MemorySegment data = mapped.slice(dataStart + e.begin(), e.end() - e.begin(), "tensor '" + e.name() + "'");
            builder.put(e.name(), Tensor.wrap(data, dtype, e.shape()));
        }
    }

    private record Index(Map<String, String> metadata, Map<String, String> weightMap) {
    }

    private static Index readIndex(Path indexFile) {
        byte[] bytes;
        try {
            long size = Files.size(indexFile);
            if (size > MAX_INDEX_BYTES) {
                throw new WeightFormatException(indexFile, "index of " + size + " bytes is absurd");
            }
            bytes = Files.readAllBytes(indexFile);
        } catch (IOException e) {
            throw new WeightFormatException(indexFile, "cannot read index: " + e, e);
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        Map<String, String> weightMap = new LinkedHashMap<>();
        boolean sawWeightMap = false;
        try (JsonParser p = new JsonFactory().createParser(bytes)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new WeightFormatException(indexFile, "index is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                JsonToken t = p.nextToken();
                if (key.equals("weight_map")) {
                    sawWeightMap = true;
                    if (t != JsonToken.START_OBJECT) {
                        throw new WeightFormatException(indexFile, "weight_map is not an object");
                    }
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String tensor = p.currentName();
                        if (p.nextToken() != JsonToken.VALUE_STRING) {
                            throw new WeightFormatException(indexFile, "weight_map entry for '" + tensor + "' is not a file name");
                        }
                        String shard = p.getText();
                        requirePlainFileName(indexFile, shard);
                        if (weightMap.put(tensor, shard) != null) {
                            throw new WeightFormatException(indexFile, "weight_map names '" + tensor + "' twice");
                        }
                    }
                } else if (key.equals("metadata") && t == JsonToken.START_OBJECT) {
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String mk = p.currentName();
                        JsonToken v = p.nextToken();
                        if (v.isScalarValue()) {
                            metadata.put(mk, p.getText());
                        } else {
                            p.skipChildren();
                        }
                    }
                } else {
                    p.skipChildren();
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw new WeightFormatException(indexFile, "index JSON is malformed");
            }
        } catch (IOException e) {
            throw new WeightFormatException(indexFile, "index is not valid JSON: " + e.getMessage(), e);
        }
        if (!sawWeightMap) {
            throw new WeightFormatException(indexFile, "index has no weight_map");
        }
        return new Index(metadata, weightMap);
    }

    /** Shard names come from the file: refuse anything that could point outside the index's folder. */
    private static void requirePlainFileName(Path indexFile, String shard) {
        if (shard.isEmpty() || shard.equals(".") || shard.equals("..") || shard.contains("/") || shard.contains("\\")
                || shard.indexOf('\0') >= 0 || shard.contains(":")) {
            throw new WeightFormatException(indexFile, "weight_map names shard '" + shard
                    + "', which is not a plain file name in the index's folder");
        }
    }
}
