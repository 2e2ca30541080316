package io.relops.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SuiteMemoryTest {

    @TempDir
    Path data;

    @Test
    void measuresTheProportionalSetSizeOfAProcessOnce() {
        assumeTrue(Files.isReadable(Path.of("/proc/self/smaps_rollup")), "Linux only");
        Map<String, ProcessHandle> roots = new LinkedHashMap<>();
        roots.put("this JVM", ProcessHandle.current());
        roots.put("this JVM again", ProcessHandle.current());

        SuiteMemory memory = SuiteMemory.measure(roots);

        assertThat(memory.parts()).hasSize(2);
        assertThat(memory.parts().get(0).processes()).isEqualTo(1);
        assertThat(memory.parts().get(0).pssKiB()).isGreaterThan(10_000); // a JVM takes more than 10 MB
        assertThat(memory.parts().get(1).processes()).isZero();
        assertThat(memory.totalKiB()).isEqualTo(memory.parts().get(0).pssKiB());
    }

    @Test
    void findsPostgresqlsDaemonByItsPidFile() throws IOException {
        Files.writeString(
                data.resolve("postmaster.pid"), ProcessHandle.current().pid() + "\n" + data + "\n");

        assertThat(SuiteMemory.postmaster(data)).contains(ProcessHandle.current());
        assertThat(SuiteMemory.postmaster(data.resolve("elsewhere"))).isEmpty();
    }

    @Test
    void saysTheTotalAndEachPartInMebibytes() {
        SuiteMemory memory = new SuiteMemory(List.of(
                new SuiteMemory.Part("gateway-service", 1, 200 * 1024),
                new SuiteMemory.Part("PostgreSQL", 12, 40 * 1024 + 300)));

        assertThat(memory.summary()).isEqualTo("240 MiB PSS in 13 processes");
        assertThat(memory.lines())
                .containsExactly(
                        "gateway-service               200 MiB",
                        "PostgreSQL                     40 MiB  (12 processes)");
    }
}
