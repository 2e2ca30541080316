package io.relops.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassDataSharingTest {

    @TempDir
    Path home;

    final List<String> said = new ArrayList<>();

    @Test
    void runsAJarThatIsNoSpringBootJarAsItIs() throws IOException {
        Path jar = jar("deploy-service", null);
        ClassDataSharing classData = new ClassDataSharing(home, home.resolve(".relops/cds"), said::add);

        classData.prepare(Set.of("deploy-service"));

        assertThat(classData.jar("deploy-service")).isEqualTo(jar);
        assertThat(classData.options("deploy-service", 1)).isEmpty();
        assertThat(classData.recordingAny()).isFalse();
    }

    @Test
    void runsASpringBootJarThatCannotBeExtractedAsItIsAndSaysSo() throws IOException {
        Path jar = jar("deploy-service", "4.0.7"); // no Boot launcher inside: the extraction fails
        ClassDataSharing classData = new ClassDataSharing(home, home.resolve(".relops/cds"), said::add);

        classData.prepare(Set.of("deploy-service"));

        assertThat(classData.jar("deploy-service")).isEqualTo(jar);
        assertThat(classData.options("deploy-service", 1)).isEmpty();
        assertThat(said).singleElement().asString().contains("cannot extract");
    }

    @Test
    void theFirstInstanceRecordsTheArchiveWhichLaterStartsMap() throws IOException {
        Path jar = jar("deploy-service", "4.0.7");
        Path cds = home.resolve(".relops/cds");
        // as an earlier extraction of this very jar left it
        Path extracted = cds.resolve("deploy-service/deploy-service-exec.jar");
        Files.createDirectories(extracted.getParent());
        Files.copy(jar, extracted);
        Files.writeString(
                cds.resolve("deploy-service/extracted-from"),
                Files.size(jar) + " " + Files.getLastModifiedTime(jar).toMillis());
        ClassDataSharing classData = new ClassDataSharing(home, cds, said::add);

        classData.prepare(Set.of("deploy-service"));

        assertThat(classData.jar("deploy-service")).isEqualTo(extracted);
        Path archive = cds.resolve("deploy-service.jsa");
        assertThat(classData.options("deploy-service", 1))
                .containsExactly("-XX:ArchiveClassesAtExit=" + archive, "-Xshare:auto");
        assertThat(classData.options("deploy-service", 2)).containsExactly("-Xshare:auto");
        assertThat(classData.recordingAny()).isTrue();

        Files.writeString(archive, "written as the first instance stopped");
        assertThat(classData.options("deploy-service", 1))
                .containsExactly("-XX:SharedArchiveFile=" + archive, "-Xshare:auto");
    }

    private Path jar(String service, String springBootVersion) throws IOException {
        Path jar = home.resolve(service).resolve("target").resolve(service + "-exec.jar");
        Files.createDirectories(jar.getParent());
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (springBootVersion != null) {
            manifest.getMainAttributes().putValue("Spring-Boot-Version", springBootVersion);
        }
        try (OutputStream file = Files.newOutputStream(jar);
                JarOutputStream out = new JarOutputStream(file, manifest)) {
            out.flush();
        }
        return jar;
    }
}
