package io.relops.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The memory of the local suite: the proportional set size (PSS, Linux {@code /proc/<pid>/smaps_rollup}) of each of
 * its processes, grouped by what they are. PSS splits a page shared by n processes into n parts, so the parts add up
 * to what the suite takes (RSS would count the JDK's shared class-data archive and PostgreSQL's shared buffers once
 * per process). The embedded PostgreSQL's daemon leaves the launcher's process tree ({@code pg_ctl} starts it): it
 * and its backends are found from its {@code postmaster.pid}.
 *
 * @param parts one group of processes each (the launcher with its Kafka broker, PostgreSQL, each service instance)
 */
public record SuiteMemory(List<Part> parts) {

    private static final Pattern PSS = Pattern.compile("(?m)^Pss:\\s+(\\d+) kB");

    /** {@code processes} processes that together take {@code pssKiB} kB (PSS). */
    public record Part(String name, int processes, long pssKiB) {}

    public SuiteMemory {
        parts = List.copyOf(parts);
    }

    public long totalKiB() {
        return parts.stream().mapToLong(Part::pssKiB).sum();
    }

    public int processes() {
        return parts.stream().mapToInt(Part::processes).sum();
    }

    /**
     * Measures the named process trees now; a pid seen in an earlier tree is not counted again (a group holds the
     * process and its descendants that no earlier group claimed). Processes that end meanwhile count nothing.
     *
     * @param roots each group's name and root process, in the order they are reported
     */
    static SuiteMemory measure(Map<String, ProcessHandle> roots) {
        Set<Long> seen = new HashSet<>();
        List<Part> parts = new ArrayList<>();
        roots.forEach((name, root) -> {
            List<ProcessHandle> tree = new ArrayList<>();
            tree.add(root);
            root.descendants().forEach(tree::add);
            int processes = 0;
            long pss = 0;
            for (ProcessHandle process : tree) {
                if (!seen.add(process.pid())) {
                    continue;
                }
                long kib = pssKiB(process.pid());
                if (kib >= 0) {
                    processes++;
                    pss += kib;
                }
            }
            parts.add(new Part(name, processes, pss));
        });
        return new SuiteMemory(parts);
    }

    /** The PSS of a process in kB, or -1 when it is gone or unreadable (no {@code /proc}: not Linux). */
    static long pssKiB(long pid) {
        try {
            Matcher matcher = PSS.matcher(Files.readString(Path.of("/proc", Long.toString(pid), "smaps_rollup")));
            return matcher.find() ? Long.parseLong(matcher.group(1)) : -1;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The daemon of the PostgreSQL whose data directory this is (the first line of its postmaster.pid), if running. */
    static Optional<ProcessHandle> postmaster(Path dataDirectory) {
        try {
            List<String> lines = Files.readAllLines(dataDirectory.resolve("postmaster.pid"));
            return lines.isEmpty()
                    ? Optional.empty()
                    : ProcessHandle.of(Long.parseLong(lines.get(0).strip()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** {@code 1,234 MiB in 17 processes}; the parts one a line by {@link #lines}. */
    public String summary() {
        return String.format(Locale.ROOT, "%,d MiB PSS in %d processes", mib(totalKiB()), processes());
    }

    /** One line per part: its name, its PSS in MiB and how many processes it has. */
    public List<String> lines() {
        List<String> lines = new ArrayList<>();
        for (Part part : parts) {
            lines.add(String.format(
                    Locale.ROOT,
                    "%-26s %,6d MiB%s",
                    part.name(),
                    mib(part.pssKiB()),
                    part.processes() == 1 ? "" : "  (" + part.processes() + " processes)"));
        }
        return lines;
    }

    private static long mib(long kib) {
        return Math.round(kib / 1024.0);
    }
}
