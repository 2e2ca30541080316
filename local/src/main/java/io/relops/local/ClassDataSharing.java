package io.relops.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Application class-data sharing (CDS) for the local suite's services: each service's Spring Boot jar is extracted
 * once into the data directory ({@code java -Djarmode=tools -jar <service>-exec.jar extract}: the application and
 * its libraries as plain jars, which the JVM can archive classes from, unlike the nested jars of an executable jar),
 * the first {@code relops up} records the classes each service loaded into {@code cds/<service>.jsa} when it stops
 * ({@code -XX:ArchiveClassesAtExit}), and every later start maps that archive ({@code -XX:SharedArchiveFile}) rather
 * than parsing and verifying those classes again. A rebuilt jar is extracted and archived again; a jar that is not a
 * Spring Boot jar, or an extraction that fails, runs as it is, without an archive.
 */
final class ClassDataSharing {

    private static final String STAMP = "extracted-from";

    private final Path home;
    private final Path directory;
    private final Consumer<String> progress;
    /** The services whose extracted jar is ready; guarded by {@code this}. */
    private final Set<String> extracted = new HashSet<>();
    /** The services whose archive a running instance writes when it stops; guarded by {@code this}. */
    private final Set<String> recording = new HashSet<>();

    ClassDataSharing(Path home, Path directory, Consumer<String> progress) {
        this.home = home;
        this.directory = directory;
        this.progress = progress;
    }

    /** Extracts the jars of {@code services} that are not extracted yet (or whose jar changed since), in parallel. */
    void prepare(Collection<String> services) {
        services.parallelStream().forEach(this::prepare);
    }

    private void prepare(String service) {
        Path jar = executableJar(service);
        Path target = directory.resolve(service);
        try {
            String stamp =
                    Files.size(jar) + " " + Files.getLastModifiedTime(jar).toMillis();
            Path stampFile = target.resolve(STAMP);
            if (Files.isRegularFile(stampFile)
                    && Files.readString(stampFile).equals(stamp)
                    && Files.isRegularFile(extractedJar(service))) {
                markExtracted(service);
                return;
            }
            if (!isSpringBootJar(jar)) {
                return;
            }
            delete(target);
            Files.deleteIfExists(archive(service)); // recorded from the jar before this one
            Files.createDirectories(directory);
            Process extract = new ProcessBuilder(
                            LocalSuite.java(),
                            "-Djarmode=tools",
                            "-jar",
                            jar.toString(),
                            "extract",
                            "--destination",
                            target.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!extract.waitFor(2, TimeUnit.MINUTES)) {
                extract.destroyForcibly();
                progress.accept(
                        service + ": extracting " + jar + " took too long: it runs without a class-data archive");
                return;
            }
            if (extract.exitValue() != 0 || !Files.isRegularFile(extractedJar(service))) {
                progress.accept(service + ": cannot extract " + jar + " (exit " + extract.exitValue()
                        + "): it runs without a class-data archive");
                return;
            }
            Files.writeString(stampFile, stamp);
            markExtracted(service);
        } catch (IOException e) {
            progress.accept(service + ": no class-data archive (" + e.getMessage() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private synchronized void markExtracted(String service) {
        extracted.add(service);
    }

    /** The jar to run: the extracted one, or the executable jar when it was not extracted. */
    synchronized Path jar(String service) {
        return extracted.contains(service) ? extractedJar(service) : executableJar(service);
    }

    /**
     * The JVM options of instance {@code instance} of {@code service}: map its archive when there is one, else (its
     * first instance) record one when it stops; nothing for a jar that runs unextracted.
     */
    synchronized List<String> options(String service, int instance) {
        List<String> options = new ArrayList<>();
        if (!extracted.contains(service)) {
            return options;
        }
        Path archive = archive(service);
        if (Files.isRegularFile(archive)) {
            options.add("-XX:SharedArchiveFile=" + archive);
        } else if (instance == 1 && recording.add(service)) {
            options.add("-XX:ArchiveClassesAtExit=" + archive);
        }
        // an archive that does not match (a JDK update) is not used, and says so in the service's log
        options.add("-Xshare:auto");
        return options;
    }

    /** Whether some service runs without its archive this time (the first start records them). */
    synchronized boolean recordingAny() {
        return !recording.isEmpty();
    }

    Path archive(String service) {
        return directory.resolve(service + ".jsa");
    }

    private Path executableJar(String service) {
        return home.resolve(service).resolve("target").resolve(service + "-exec.jar");
    }

    private Path extractedJar(String service) {
        return directory.resolve(service).resolve(service + "-exec.jar");
    }

    private static boolean isSpringBootJar(Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            return file.getManifest() != null
                    && file.getManifest().getMainAttributes().getValue("Spring-Boot-Version") != null;
        }
    }

    private static void delete(Path tree) throws IOException {
        if (!Files.exists(tree)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(tree)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.delete(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
