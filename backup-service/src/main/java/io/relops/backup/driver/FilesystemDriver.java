package io.relops.backup.driver;

import io.relops.backup.policy.BackupCatalog.BackupSpec;
import io.relops.backup.policy.BackupCatalog.Compression;
import io.relops.common.codec.EventJson;
import io.relops.common.event.BackupVerified.Check;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorInputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorOutputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdUtils;
import org.apache.commons.io.input.BoundedInputStream;
import org.apache.commons.io.output.CloseShieldOutputStream;

/**
 * {@code filesystem}: a directory archived as tar + gzip or tar + zstd (Apache Commons Compress; zstd through
 * zstd-jni, with its frame checksum). The last entry is a manifest ({@value #MANIFEST}) with every file's size and
 * SHA-256, so verification can check each file, not only the archive. Reading tells the compression from the
 * artifact's first bytes, not from the catalog, so a backup stays readable after the catalog changes compression.
 */
public final class FilesystemDriver implements BackupDriver {

    static final String MANIFEST = ".relops-manifest.json";

    @Override
    public String name() {
        return "filesystem";
    }

    @Override
    public String extension(BackupSpec spec) {
        return compression(spec).extension();
    }

    /** The total size of the directory's files: the archive's size before compression. */
    @Override
    public OptionalLong estimateSize(String application, BackupSpec spec) {
        Path root = root(application, spec);
        if (!Files.isDirectory(root)) {
            return OptionalLong.empty();
        }
        try (Stream<Path> walk = Files.walk(root)) {
            return OptionalLong.of(walk.filter(Files::isRegularFile)
                    .mapToLong(f -> f.toFile().length())
                    .sum());
        } catch (IOException | java.io.UncheckedIOException e) {
            return OptionalLong.empty();
        }
    }

    /** One archived file. */
    public record ManifestEntry(String path, long size, String sha256) {}

    /** What an archive holds. */
    public record Manifest(int format, String source, Instant createdAt, List<ManifestEntry> files) {}

    @Override
    public Map<String, Long> backup(String application, BackupSpec spec, OutputStream out) throws IOException {
        Path root = root(application, spec);
        if (!Files.exists(root) && spec.filesystem().createIfMissing()) {
            Files.createDirectories(root);
        }
        if (!Files.isDirectory(root)) {
            throw new BackupException("backup.filesystem.path of application '" + application + "' is not a directory: "
                    + root.toAbsolutePath());
        }
        List<ManifestEntry> entries = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        try (OutputStream compressed = compress(compression(spec), CloseShieldOutputStream.wrap(out));
                TarArchiveOutputStream tar =
                        new TarArchiveOutputStream(new BufferedOutputStream(compressed, 1 << 20))) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            for (Path file : files) {
                String name = root.relativize(file).toString().replace('\\', '/');
                TarArchiveEntry entry = new TarArchiveEntry(file, name);
                tar.putArchiveEntry(entry);
                MessageDigest digest = sha256();
                long size;
                try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
                    size = in.transferTo(tar);
                }
                if (size != entry.getSize()) {
                    throw new BackupException("file changed while it was archived: " + file);
                }
                tar.closeArchiveEntry();
                entries.add(new ManifestEntry(name, size, HexFormat.of().formatHex(digest.digest())));
            }
            byte[] manifest = EventJson.mapper()
                    .writeValueAsBytes(new Manifest(1, root.toAbsolutePath().toString(), Instant.now(), entries));
            TarArchiveEntry entry = new TarArchiveEntry(MANIFEST);
            entry.setSize(manifest.length);
            tar.putArchiveEntry(entry);
            tar.write(manifest);
            tar.closeArchiveEntry();
            tar.finish();
        }
        return Map.of("files", (long) entries.size());
    }

    @Override
    public List<Check> inspect(String application, BackupSpec spec, Path artifact) throws IOException {
        Map<String, ManifestEntry> read = new LinkedHashMap<>();
        Manifest manifest = null;
        try (InputStream decompressed = decompress(artifact);
                TarArchiveInputStream tar = new TarArchiveInputStream(decompressed)) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                if (entry.getName().equals(MANIFEST)) {
                    manifest = EventJson.mapper().readValue(tar.readAllBytes(), Manifest.class);
                } else if (entry.isFile()) {
                    MessageDigest digest = sha256();
                    long size = new DigestInputStream(tar, digest).transferTo(OutputStream.nullOutputStream());
                    read.put(
                            entry.getName(),
                            new ManifestEntry(
                                    entry.getName(), size, HexFormat.of().formatHex(digest.digest())));
                }
            }
            readToEnd(decompressed);
        } catch (IOException | RuntimeException e) {
            return List.of(new Check("archive entries", false, "the archive cannot be read: " + e.getMessage()));
        }
        List<Check> checks = new ArrayList<>();
        checks.add(new Check("archive entries", true, read.size() + " files readable"));
        if (manifest == null) {
            checks.add(new Check("manifest", false, "the archive has no " + MANIFEST));
            return checks;
        }
        List<String> problems = new ArrayList<>();
        for (ManifestEntry expected : manifest.files()) {
            ManifestEntry got = read.remove(expected.path());
            if (got == null) {
                problems.add(expected.path() + " missing");
            } else if (!got.equals(expected)) {
                problems.add(expected.path() + " differs from the manifest");
            }
        }
        read.keySet().forEach(extra -> problems.add(extra + " not in the manifest"));
        checks.add(new Check(
                "manifest",
                problems.isEmpty(),
                problems.isEmpty()
                        ? "all " + manifest.files().size() + " files match their size and sha256"
                        : String.join("; ", problems)));
        return checks;
    }

    @Override
    public List<Check> testRestore(String application, BackupSpec spec, Path artifact, Map<String, Long> evidence)
            throws IOException {
        Path scratch = Files.createTempDirectory("relops-verify-");
        try {
            int extracted = extract(artifact, scratch);
            Long expected = evidence.get("files");
            boolean ok = expected == null || expected == extracted;
            return List.of(new Check(
                    "test restore",
                    ok,
                    "extracted " + extracted + " files into a scratch directory"
                            + (expected == null ? "" : ", " + expected + " recorded at backup time")));
        } finally {
            deleteTree(scratch);
        }
    }

    @Override
    public void restore(String application, BackupSpec spec, Path artifact) throws IOException {
        Path root = root(application, spec).toAbsolutePath();
        Files.createDirectories(root.getParent());
        Path staged = root.resolveSibling(root.getFileName() + ".restore-" + UUID.randomUUID());
        Files.createDirectories(staged);
        try {
            extract(artifact, staged);
            Path old = root.resolveSibling(root.getFileName() + ".replaced-" + UUID.randomUUID());
            if (Files.exists(root)) {
                Files.move(root, old, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.move(staged, root, StandardCopyOption.ATOMIC_MOVE);
            if (Files.exists(old)) {
                deleteTree(old);
            }
        } finally {
            if (Files.exists(staged)) {
                deleteTree(staged);
            }
        }
    }

    /** Extracts every file but the manifest under {@code target}, refusing entries that would escape it. */
    static int extract(Path artifact, Path target) throws IOException {
        Path base = target.toAbsolutePath().normalize();
        int count = 0;
        try (InputStream decompressed = decompress(artifact);
                TarArchiveInputStream tar = new TarArchiveInputStream(decompressed)) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                if (entry.getName().equals(MANIFEST) || !entry.isFile()) {
                    continue;
                }
                Path file = base.resolve(entry.getName()).normalize();
                if (!file.startsWith(base)) {
                    throw new BackupException("archive entry escapes the target directory: " + entry.getName());
                }
                Files.createDirectories(file.getParent());
                try (InputStream in = BoundedInputStream.builder()
                        .setInputStream(tar)
                        .setMaxCount(entry.getSize())
                        .setPropagateClose(false)
                        .get()) {
                    Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
                }
                count++;
            }
            readToEnd(decompressed);
        }
        return count;
    }

    private static OutputStream compress(Compression compression, OutputStream out) throws IOException {
        if (compression == Compression.ZSTD) {
            requireZstd();
            // level 3 (zstd's default); the frame checksum (XXH64 of the content) is checked on every read
            return ZstdCompressorOutputStream.builder()
                    .setOutputStream(out)
                    .setLevel(3)
                    .setChecksum(true)
                    .get();
        }
        return new GzipCompressorOutputStream(out);
    }

    /** The artifact's tar stream, decompressed as its first bytes say (gzip or zstd). */
    static InputStream decompress(Path artifact) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(artifact), 1 << 16);
        try {
            byte[] magic = new byte[4];
            in.mark(magic.length);
            int read = in.readNBytes(magic, 0, magic.length);
            in.reset();
            if (GzipCompressorInputStream.matches(magic, read)) {
                return new GzipCompressorInputStream(in);
            }
            if (ZstdUtils.matches(magic, read)) {
                requireZstd();
                return new ZstdCompressorInputStream(in);
            }
            throw new BackupException("the artifact is neither a gzip nor a zstd stream (it starts with "
                    + HexFormat.of().formatHex(magic, 0, read) + ")");
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    private static void requireZstd() {
        if (!ZstdUtils.isZstdCompressionAvailable()) {
            throw new BackupException("zstd compression is not available: zstd-jni's native library cannot be loaded"
                    + " on " + System.getProperty("os.name") + "/" + System.getProperty("os.arch")
                    + " (use backup.filesystem.compression: gzip)");
        }
    }

    /**
     * Reads the compressed stream to its end, so that the codec checks its checksum over the whole archive (gzip's
     * CRC-32 and length, zstd's frame checksum) whether or not the tar reader consumed everything after its
     * end-of-archive blocks.
     */
    private static void readToEnd(InputStream decompressed) throws IOException {
        decompressed.transferTo(OutputStream.nullOutputStream());
    }

    private static Compression compression(BackupSpec spec) {
        return spec.filesystem() == null ? Compression.GZIP : spec.filesystem().compression();
    }

    private static Path root(String application, BackupSpec spec) {
        if (spec.filesystem() == null) {
            throw new BackupException("application '" + application
                    + "' uses the filesystem backup driver but has no backup.filesystem.path in the catalog");
        }
        return spec.filesystem().path();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
