package io.relops.backup.driver;

import static org.assertj.core.api.Assertions.assertThat;

import io.relops.backup.backup.BackupCatalog;
import io.relops.common.event.BackupVerified.Check;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FilesystemDriverTest {

    private final FilesystemDriver driver = new FilesystemDriver();

    @TempDir
    Path temp;

    @Test
    void archivesADirectoryWithAManifestAndRestoresItExactly() throws IOException {
        Path data = temp.resolve("data");
        Files.createDirectories(data.resolve("nested/deeper"));
        Files.writeString(data.resolve("app.db"), "rows and rows");
        Files.write(data.resolve("nested/deeper/blob.bin"), new byte[] {0, 1, 2, (byte) 255});
        Files.writeString(data.resolve("nested/" + "x".repeat(120) + ".txt"), "a long name");
        BackupCatalog.BackupSpec spec = spec(data);

        Path artifact = temp.resolve("backup.tar.gz");
        Map<String, Long> evidence;
        try (OutputStream out = Files.newOutputStream(artifact)) {
            evidence = driver.backup("demo-app", spec, out);
        }
        assertThat(evidence).containsEntry("files", 3L);

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
    void failsInspectionOfACorruptedArchive() throws IOException {
        Path data = Files.createDirectories(temp.resolve("data"));
        // Incompressible content, so that deflate stores it and any flipped bit in the middle changes a file byte.
        // (In a run of one repeated byte, a flipped back-reference distance can decode to the very same content.)
        byte[] content = new byte[64 * 1024];
        new Random(42).nextBytes(content);
        Files.write(data.resolve("a.bin"), content);
        Path artifact = temp.resolve("backup.tar.gz");
        try (OutputStream out = Files.newOutputStream(artifact)) {
            driver.backup("demo-app", spec(data), out);
        }
        byte[] original = Files.readAllBytes(artifact);
        assertThat(driver.inspect("demo-app", spec(data), artifact)).allMatch(Check::passed);

        List<Integer> positions = List.of(original.length / 4, original.length / 2, 3 * original.length / 4);
        for (int at : positions) {
            assertThat(driver.inspect("demo-app", spec(data), flipped(original, at)))
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

    private Path flipped(byte[] original, int at) throws IOException {
        byte[] bytes = original.clone();
        bytes[at] ^= 0x10;
        return Files.write(temp.resolve("corrupted-" + at + ".tar.gz"), bytes);
    }

    static BackupCatalog.BackupSpec spec(Path data) {
        return new BackupCatalog.BackupSpec(
                true,
                "filesystem",
                null,
                false,
                null,
                new BackupCatalog.FilesystemSource(data, false),
                new BackupCatalog.Verify(true, true),
                new BackupCatalog.Retention(3, 7, 4, 6, Duration.ofDays(365)));
    }
}
