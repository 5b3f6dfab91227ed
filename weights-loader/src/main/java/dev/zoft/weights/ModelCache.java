package dev.zoft.weights;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Properties;

/**
 * A folder of files extracted from jars on the classpath, so that they can be memory-mapped.
 *
 * <p>Layout: {@code <root>/<artifactId>-<version>/<resource>} beside {@code <resource>.sha256},
 * which records the SHA-256 and size computed once while extracting. A later run reuses the file
 * when its size matches that record (and the jar entry's size, when the jar reports it) without
 * hashing 90 MB again; {@link #verify} re-hashes on demand. Extraction writes a temporary file in
 * the same folder and moves it into place atomically, so concurrent builds and interrupted runs
 * never expose a partial file; the record is written last, so a file without one is redone.
 *
 * <p>The root is {@code -Dzoft.cache.dir}, else {@code $ZOFT_CACHE_DIR}, else
 * {@code ~/.cache/zoft/models}.
 */
public final class ModelCache {
    public static final String DIR_PROPERTY = "zoft.cache.dir";
    public static final String DIR_ENV = "ZOFT_CACHE_DIR";

    private final Path root;

    public ModelCache(Path root) {
        this.root = root.toAbsolutePath();
    }

    /** The cache at the configured or default location. */
    public static ModelCache defaultCache() {
        return new ModelCache(defaultRoot());
    }

    static Path defaultRoot() {
        String property = System.getProperty(DIR_PROPERTY);
        if (property != null && !property.isBlank()) {
            return Path.of(property);
        }
        String env = System.getenv(DIR_ENV);
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return Path.of(System.getProperty("user.home"), ".cache", "zoft", "models");
    }

    public Path root() {
        return root;
    }

    /** Where {@code resource} of artifact {@code version} lives in this cache. */
    public Path pathOf(BundledResource resource, String version) {
        return root.resolve(resource.artifactId() + "-" + version).resolve(resource.resourceName());
    }

    /**
     * The path of {@code resource} in this cache, extracting it from the classpath first if it is
     * absent or does not match its record.
     *
     * @throws WeightFormatException when the resource is not on the classpath (naming the Maven
     *                               coordinates to add), or its content does not match the
     *                               checksum known for its version
     */
    public synchronized Path extract(BundledResource resource) {
        URL url = find(resource.resourceName());
        if (url == null) {
            throw new WeightFormatException(resource.resourceName(), "not on the classpath; add the Maven dependency "
                    + resource.coordinates() + " (e.g. with <scope>test</scope> for tests)");
        }
        String version = versionOnClasspath(resource);
        String expectedSha = version.equals(resource.version()) ? resource.sha256() : null;
        Path target = pathOf(resource, version);
        Path record = recordOf(target);
        try {
            long entrySize = entrySize(url);
            Record existing = readRecord(record);
            if (existing != null && Files.isRegularFile(target) && Files.size(target) == existing.size
                    && (entrySize < 0 || entrySize == existing.size)
                    && (expectedSha == null || expectedSha.equals(existing.sha256))) {
                return target;
            }
            Files.createDirectories(target.getParent());
            Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", ".tmp");
            try {
                shareable(tmp);
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                long size;
                try (InputStream in = new DigestInputStream(url.openStream(), sha);
                     OutputStream out = Files.newOutputStream(tmp)) {
                    size = in.transferTo(out);
                }
                String actual = HexFormat.of().formatHex(sha.digest());
                if (expectedSha != null && !expectedSha.equals(actual)) {
                    throw new WeightFormatException(url.toString(), "SHA-256 " + actual + " differs from the expected "
                            + expectedSha + " of " + resource.coordinates());
                }
                AtomicFileWrite.moveIntoPlace(tmp, target);
                Path recordTmp = Files.createTempFile(target.getParent(), "." + record.getFileName() + ".", ".tmp");
                Files.writeString(recordTmp, actual + " " + size + "\n", StandardCharsets.US_ASCII);
                shareable(recordTmp);
                AtomicFileWrite.moveIntoPlace(recordTmp, record);
                return target;
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new WeightFormatException(target, "cannot extract " + resource.resourceName() + " from "
                    + resource.coordinates() + " (set -D" + DIR_PROPERTY + " or " + DIR_ENV + " to a writable folder): " + e, e);
        }
    }

    /**
     * Re-hashes a cached file against its record.
     *
     * @throws WeightFormatException if the file or its record is missing, or they disagree
     */
    public static void verify(Path cachedFile) {
        try {
            Record r = readRecord(recordOf(cachedFile));
            if (r == null) {
                throw new WeightFormatException(cachedFile, "no checksum record beside the file");
            }
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            long size;
            try (InputStream in = new DigestInputStream(Files.newInputStream(cachedFile), sha)) {
                size = in.transferTo(OutputStream.nullOutputStream());
            }
            String actual = HexFormat.of().formatHex(sha.digest());
            if (size != r.size || !actual.equals(r.sha256)) {
                throw new WeightFormatException(cachedFile, "content (" + size + " bytes, SHA-256 " + actual
                        + ") does not match its record (" + r.size + " bytes, " + r.sha256 + ")");
            }
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new WeightFormatException(cachedFile, "cannot verify: " + e, e);
        }
    }

    /** Temporary files are created owner-only; a cache of public model files can be read by all. */
    private static void shareable(Path file) {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException | IOException e) {
            // not a POSIX file system: keep the default permissions
        }
    }

    private record Record(String sha256, long size) {
    }

    static Path recordOf(Path target) {
        return target.resolveSibling(target.getFileName() + ".sha256");
    }

    private static Record readRecord(Path record) throws IOException {
        if (!Files.isRegularFile(record) || Files.size(record) > 1024) {
            return null;
        }
        String[] parts = Files.readString(record, StandardCharsets.US_ASCII).trim().split("\\s+");
        if (parts.length != 2 || parts[0].length() != 64) {
            return null;
        }
        try {
            return new Record(parts[0], Long.parseLong(parts[1]));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static URL find(String resourceName) {
        URL url = ModelCache.class.getClassLoader().getResource(resourceName);
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        if (url == null && context != null) {
            url = context.getResource(resourceName);
        }
        return url;
    }

    /** The artifact's version from its pom.properties, or the version zoft was built against. */
    private static String versionOnClasspath(BundledResource resource) {
        URL url = find(resource.pomPropertiesPath());
        if (url == null) {
            return resource.version();
        }
        try (InputStream in = url.openStream()) {
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version");
            return v == null || v.isBlank() || !v.matches("[A-Za-z0-9._-]+") ? resource.version() : v;
        } catch (IOException e) {
            return resource.version();
        }
    }

    /** Uncompressed size of the jar entry, or -1 when unknown. */
    private static long entrySize(URL url) {
        try {
            URLConnection c = url.openConnection();
            c.setUseCaches(false);
            // Opening (and closing) the stream closes the jar again, which an uncached connection keeps open otherwise.
            InputStream stream = c.getInputStream();
            try {
                return c.getContentLengthLong();
            } finally {
                stream.close();
            }
        } catch (IOException e) {
            return -1;
        }
    }
}
