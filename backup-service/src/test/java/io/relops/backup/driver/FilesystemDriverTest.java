package io.relops.backup.driver;

import static org.assertj.core.api.Assertions.assertThat;

import io.relops.backup.policy.BackupCatalog;
import io.relops.backup.policy.BackupCatalog.Compression;
import io.relops.common.event.BackupVerified.Check;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class FilesystemDriverTest {

    private final FilesystemDriver driver = new FilesystemDriver();

    @TempDir
    Path temp;

    @ParameterizedTest
    @EnumSource(Compression.class)
    void archivesADirectoryWithAManifestAndRestoresItExactly(Compression compression) throws IOException {
        Path data = temp.resolve("data");
        Files.createDirectories(data.resolve("nested/deeper"));
        Files.writeString(data.resolve("app.db"), "rows and rows");
        Files.write(data.resolve("nested/deeper/blob.bin"), new byte[] {0, 1, 2, (byte) 255});
        Files.writeString(data.resolve("nested/" + "x".repeat(120) + ".txt"), "a long name");
        BackupCatalog.BackupSpec spec = spec(data, compression);
        assertThat(driver.estimateSize("demo-app", spec)).hasValue(13 + 4 + 11);

        Path artifact = temp.resolve("backup." + driver.extension(spec));
        Map<String, Long> evidence;
        try (OutputStream out = Files.newOutputStream(artifact)) {
            evidence = driver.backup("demo-app", spec, out);
        }
        assertThat(evidence).containsEntry("files", 3L);
        assertThat(magic(artifact)).isEqualTo(compression == Compression.ZSTD ? "28b52ffd" : "1f8b0800");

        List<Check> checks = driver.inspect("demo-app", spec, artifact);
        assertThat(checks).allMatch(Check::passed);
        assertThat(checks).extracting(Check::detail).contains("all 3 files match their size and sha256");
        assertThat(driver.testRestore("demo-app", spec, artifact, evidence)).allMatch(Check::passed);

        Files.writeString(data.resolve("app.db"), "changed after the backup");
        Files.writeString(data.resolve("stray.txt"), "created after the backup");
        driver.restore("demo-app", spec, artifact);

        assertThat(Files.readString(data.resolve("app.db"))).isEqualTo("rows and rows");
        assertThat(Files.readAllBytes(data.resolve("nested/deeper/blob.bin"))).containsExactly(0, 1, 2, 255);
        assertThat(data.resolve("stray.txt")).doesNotExist();
        assertThat(data.resolve(FilesystemDriver.MANIFEST)).doesNotExist();
    }

    @Test
    void namesAMissingDirectory() {
        BackupCatalog.BackupSpec spec = spec(temp.resolve("nowhere"));
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> driver.backup("demo-app", spec, OutputStream.nullOutputStream()))
                .isInstanceOf(BackupException.class)
                .hasMessageContaining("is not a directory");
    }

    @Test
    void namesItsArtifactsByCompression() {
        assertThat(driver.extension(spec(temp, Compression.GZIP))).isEqualTo("tar.gz");
        assertThat(driver.extension(spec(temp, Compression.ZSTD))).isEqualTo("tar.zst");
    }

    @Test
    void readsAnArtifactByItsOwnCompressionWhateverTheCatalogSaysNow() throws IOException {
        Path data = Files.createDirectories(temp.resolve("data"));
        Files.writeString(data.resolve("a.txt"), "taken with zstd");
        Path artifact = temp.resolve("backup.tar.zst");
        try (OutputStream out = Files.newOutputStream(artifact)) {
            driver.backup("demo-app", spec(data, Compression.ZSTD), out);
        }
        BackupCatalog.BackupSpec nowGzip = spec(data, Compression.GZIP);
        assertThat(driver.inspect("demo-app", nowGzip, artifact)).allMatch(Check::passed);
        Files.writeString(data.resolve("a.txt"), "changed");
        driver.restore("demo-app", nowGzip, artifact);
        assertThat(Files.readString(data.resolve("a.txt"))).isEqualTo("taken with zstd");
    }

    @Test
    void refusesAnArtifactThatIsNeitherGzipNorZstd() throws IOException {
        Path artifact = Files.writeString(temp.resolve("backup.tar.gz"), "plain text, not an archive");
        assertThat(driver.inspect("demo-app", spec(temp), artifact))
                .singleElement()
                .satisfies(c -> {
                    assertThat(c.passed()).isFalse();
                    assertThat(c.detail()).contains("neither a gzip nor a zstd stream");
                });
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void failsInspectionOfACorruptedArchive(Compression compression) throws IOException {
        Path data = Files.createDirectories(temp.resolve("data"));
        // Incompressible content, so that deflate and zstd store it and any flipped bit in the middle changes a file
        // byte. (In a run of one repeated byte, a flipped back-reference distance can decode to the very same
        // content.)
        byte[] content = new byte[64 * 1024];
        new Random(42).nextBytes(content);
        Files.write(data.resolve("a.bin"), content);
        BackupCatalog.BackupSpec spec = spec(data, compression);
        Path artifact = temp.resolve("backup." + driver.extension(spec));
        try (OutputStream out = Files.newOutputStream(artifact)) {
            driver.backup("demo-app", spec, out);
        }
        byte[] original = Files.readAllBytes(artifact);
        assertThat(driver.inspect("demo-app", spec, artifact)).allMatch(Check::passed);

        List<Integer> positions = List.of(original.length / 4, original.length / 2, 3 * original.length / 4);
        for (int at : positions) {
            assertThat(driver.inspect("demo-app", spec, flipped(original, at)))
                    .as("a bit flipped at byte %d of %d", at, original.length)
                    .anyMatch(c -> !c.passed());
        }
    }

    @Test
    void failsInspectionOfACorruptedGzipTrailer() throws IOException {
        Path data = Files.createDirectories(temp.resolve("data"));
        Files.writeString(data.resolve("a.txt"), "a".repeat(10_000));
        Path artifact = temp.resolve("backup.tar.gz");
        try (OutputStream out = Files.newOutputStream(artifact)) {
            driver.backup("demo-app", spec(data), out);
        }
        byte[] original = Files.readAllBytes(artifact);
        // The last 8 bytes are the CRC-32 and the length of the whole tar stream, past the tar end-of-archive blocks.
        for (int at = original.length - 8; at < original.length; at++) {
            assertThat(driver.inspect("demo-app", spec(data), flipped(original, at)))
                    .as("a bit flipped in the gzip trailer, byte %d of %d", at, original.length)
                    .anySatisfy(c -> {
                        assertThat(c.passed()).isFalse();
                        assertThat(c.detail()).contains("cannot be read");
                    });
        }
    }

    @Test
    void failsInspectionOfACorruptedZstdChecksum() throws IOException {
        Path data = Files.createDirectories(temp.resolve("data"));
        Files.writeString(data.resolve("a.txt"), "a".repeat(10_000));
        BackupCatalog.BackupSpec spec = spec(data, Compression.ZSTD);
        Path artifact = temp.resolve("backup.tar.zst");
        try (OutputStream out = Files.newOutputStream(artifact)) {
            driver.backup("demo-app", spec, out);
        }
        byte[] original = Files.readAllBytes(artifact);
        // The last 4 bytes are the frame's content checksum (XXH64 of the whole tar stream).
        for (int at = original.length - 4; at < original.length; at++) {
            assertThat(driver.inspect("demo-app", spec, flipped(original, at)))
                    .as("a bit flipped in the zstd checksum, byte %d of %d", at, original.length)
                    .anySatisfy(c -> {
                        assertThat(c.passed()).isFalse();
                        assertThat(c.detail()).contains("cannot be read");
                    });
        }
    }

    private static String magic(Path artifact) throws IOException {
        try (InputStream in = Files.newInputStream(artifact)) {
            return HexFormat.of().formatHex(in.readNBytes(4));
        }
    }

    private Path flipped(byte[] original, int at) throws IOException {
        byte[] bytes = original.clone();
        bytes[at] ^= 0x10;
        return Files.write(temp.resolve("corrupted-" + at + ".tar.gz"), bytes);
    }

    static BackupCatalog.BackupSpec spec(Path data) {
        return spec(data, Compression.GZIP);
    }

    static BackupCatalog.BackupSpec spec(Path data, Compression compression) {
        return new BackupCatalog.BackupSpec(
                true,
                "filesystem",
                null,
                false,
                null,
                new BackupCatalog.FilesystemSource(data, false, compression),
                new BackupCatalog.Verify(true, true),
                new BackupCatalog.Retention(3, 7, 4, 6, Duration.ofDays(365)),
                null);
    }
}
