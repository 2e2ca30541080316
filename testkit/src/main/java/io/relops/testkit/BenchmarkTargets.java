package io.relops.testkit;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The verdict of a benchmark (the modules under {@code benchmarks/}): each target it measures is printed as one line
 * {@code target: <what> -> met|MISSED (<figures>)}, which {@code benchmarks/run-all} collects, and the process exits 1
 * when any target was missed, so that a miss can never read as a pass.
 *
 * <pre>{@code
 * BenchmarkTargets targets = new BenchmarkTargets();
 * targets.atMost("p99 at 2,000 req/s", p99Ms, 50, "ms");
 * targets.atLeast("accepted / bare endpoint", ratio, 0.5, "x");
 * targets.exit(); // prints the lines, then System.exit(0 or 1)
 * }</pre>
 *
 * A benchmark without a target (a baseline, a comparison) calls {@link #none(String)}: it prints
 * {@code target: none (<why>)} and exits 0.
 */
public final class BenchmarkTargets {

    /** One target and how the run did against it. */
    public record Target(String what, boolean met, String figures) {

        /** The line run-all collects. */
        public String line() {
            return "target: " + what + " -> " + (met ? "met" : "MISSED")
                    + (figures.isEmpty() ? "" : " (" + figures + ")");
        }
    }

    private final List<Target> targets = new ArrayList<>();
    private String noneReason = "";

    /** A target on a measured value that must not exceed {@code limit}. */
    public Target atMost(String what, double measured, double limit, String unit) {
        return add(new Target(
                what + " <= " + number(limit) + suffix(unit),
                measured <= limit,
                "measured " + number(measured) + suffix(unit)));
    }

    /** A target on a measured value that must reach at least {@code floor}. */
    public Target atLeast(String what, double measured, double floor, String unit) {
        return add(new Target(
                what + " >= " + number(floor) + suffix(unit),
                measured >= floor,
                "measured " + number(measured) + suffix(unit)));
    }

    /** A target whose verdict the benchmark decided itself; {@code figures} says what was measured. */
    public Target check(String what, boolean met, String figures) {
        return add(new Target(what, met, figures));
    }

    /** This benchmark has no target (e.g. it is a baseline); {@code why} says so in its target line. */
    public void none(String why) {
        noneReason = why;
    }

    /** The targets so far, in order. */
    public List<Target> targets() {
        return List.copyOf(targets);
    }

    /** Whether every target so far was met. */
    public boolean allMet() {
        return targets.stream().allMatch(Target::met);
    }

    /** Prints one line per target (or the {@code none} line) to {@code out}. */
    public void print(PrintStream out) {
        if (targets.isEmpty()) {
            out.println("target: none" + (noneReason.isEmpty() ? "" : " (" + noneReason + ")"));
        }
        targets.forEach(target -> out.println(target.line()));
        long missed = targets.stream().filter(target -> !target.met()).count();
        if (missed > 0) {
            out.println("targets: " + missed + " of " + targets.size() + " MISSED");
        }
    }

    /**
     * Prints the verdict to standard output and ends the JVM (benchmarks leave broker and service threads behind):
     * exit code 1 when a target was missed, else 0.
     */
    public void exit() {
        print(System.out);
        System.out.flush();
        System.exit(allMet() ? 0 : 1);
    }

    private Target add(Target target) {
        targets.add(target);
        return target;
    }

    private static String suffix(String unit) {
        return unit.isEmpty() ? "" : " " + unit;
    }

    private static String number(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return String.format(Locale.ROOT, "%,d", (long) value);
        }
        return String.format(Locale.ROOT, Math.abs(value) >= 100 ? "%,.1f" : "%.3g", value);
    }
}
