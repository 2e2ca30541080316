package io.relops.backup.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientToolsTest {

    @TempDir
    Path bin;

    @Test
    void namesTheConfiguredDirectoryWhenAToolIsMissing() {
        assertThatThrownBy(() -> new ClientTools(bin).locate("pg_dump"))
                .isInstanceOf(BackupException.class)
                .hasMessageContaining("pg_dump not found")
                .hasMessageContaining("relops.backup.postgres.bin-dir=" + bin);
    }

    @Test
    void namesThePathWhenAToolIsMissingFromIt() {
        assertThatThrownBy(() -> new ClientTools(null).locate("pg_dump_relops_missing"))
                .hasMessageContaining("pg_dump_relops_missing not found (searched PATH");
    }

    @Test
    void handsSecretsThroughTheEnvironmentAndKeepsStderrAsTheReason() throws Exception {
        Path tool = bin.resolve("fake_dump");
        Files.writeString(
                tool, "#!/bin/sh\necho \"args:$*\"\necho \"secret:$PGPASSWORD\"\necho 'it broke' >&2\nexit 3\n");
        Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwxr-xr-x"));
        ClientTools tools = new ClientTools(bin);
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        ClientTools.Result result = tools.run(
                List.of(tools.locate("fake_dump").toString(), "--dbname=orders"),
                Map.of("PGPASSWORD", "s3cret"),
                null,
                out,
                false);

        assertThat(out.toString()).contains("args:--dbname=orders").contains("secret:s3cret");
        assertThat(result.ok()).isFalse();
        assertThat(result.reason()).isEqualTo("it broke");
    }
}
