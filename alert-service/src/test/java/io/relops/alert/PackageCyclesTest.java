package io.relops.alert;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The packages of alert-service depend on each other one way only: what a source file names of another package
 * (imports and fully qualified names) is a dependency, and no chain of dependencies leads back to where it started.
 */
class PackageCyclesTest {

    private static final Path SOURCES = Path.of("src/main/java/io/relops/alert");
    private static final Pattern PACKAGE =
            Pattern.compile("^package (io\\.relops\\.alert(?:\\.[a-z]\\w*)*);", Pattern.MULTILINE);
    private static final Pattern REFERENCE = Pattern.compile("\\bio\\.relops\\.alert((?:\\.[a-z]\\w*)*)\\.[A-Z]");

    @Test
    void theDependenciesBetweenPackagesHaveNoCycle() throws IOException {
        Map<String, Set<String>> dependencies = dependencies();

        assertThat(cycles(dependencies)).isEmpty();
    }

    @Test
    void deliveryUsesTheChannelsAndNotTheOtherWayRound() throws IOException {
        Map<String, Set<String>> dependencies = dependencies();

        assertThat(dependencies.get("io.relops.alert.delivery")).contains("io.relops.alert.channel");
        assertThat(dependencies.get("io.relops.alert.channel")).doesNotContain("io.relops.alert.delivery");
    }

    @Test
    void aCycleIsFound() {
        Map<String, Set<String>> dependencies =
                Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a"), "d", Set.of("a"));

        assertThat(cycles(dependencies)).containsExactly(List.of("a", "b", "c", "a"));
    }

    /** Each package of alert-service and the other packages of alert-service its sources name. */
    private static Map<String, Set<String>> dependencies() throws IOException {
        Map<String, Set<String>> dependencies = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String source = Files.readString(file);
                Matcher declared = PACKAGE.matcher(source);
                assertThat(declared.find()).as("package of %s", file).isTrue();
                String from = declared.group(1);
                Set<String> to = dependencies.computeIfAbsent(from, p -> new TreeSet<>());
                Matcher reference = REFERENCE.matcher(source.substring(declared.end()));
                while (reference.find()) {
                    String target = "io.relops.alert" + reference.group(1);
                    if (!target.equals(from)) {
                        to.add(target);
                    }
                }
            }
        }
        assertThat(dependencies)
                .as("packages found under %s", SOURCES.toAbsolutePath())
                .hasSizeGreaterThan(5);
        return dependencies;
    }

    /** Every cycle found by a depth-first walk, each as the packages along it (the first one repeated at the end). */
    static List<List<String>> cycles(Map<String, Set<String>> dependencies) {
        List<List<String>> cycles = new ArrayList<>();
        Set<String> done = new TreeSet<>();
        for (String start : new TreeSet<>(dependencies.keySet())) {
            walk(start, dependencies, new ArrayDeque<>(), done, cycles);
        }
        return cycles;
    }

    private static void walk(
            String node,
            Map<String, Set<String>> dependencies,
            Deque<String> path,
            Set<String> done,
            List<List<String>> cycles) {
        if (path.contains(node)) {
            List<String> cycle = new ArrayList<>();
            List<String> along = new ArrayList<>(path);
            java.util.Collections.reverse(along);
            cycle.addAll(along.subList(along.indexOf(node), along.size()));
            cycle.add(node);
            cycles.add(cycle);
            return;
        }
        if (done.contains(node)) {
            return;
        }
        path.push(node);
        for (String next : dependencies.getOrDefault(node, Set.of())) {
            walk(next, dependencies, path, done, cycles);
        }
        path.pop();
        done.add(node);
    }
}
