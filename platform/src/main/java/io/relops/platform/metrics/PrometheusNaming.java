package io.relops.platform.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Makes every meter acceptable to {@code promtool check metrics}: a help text for each (relops' own from the
 * table below, the README's meanings, where the code gave none) and no {@code _count} suffix on a gauge. Meters
 * that count time in milliseconds or nanoseconds ({@code jvm.compilation.time}, {@code process.cpu.time}, the
 * Kafka clients' {@code *.time.ns.*}) are dropped: Prometheus wants seconds, and a filter cannot rescale values
 * (their second-based counterparts, e.g. {@code process.cpu.usage}, stay).
 */
public final class PrometheusNaming implements MeterFilter {

    private static final Pattern ABBREVIATED_NS = Pattern.compile("(^|\\.)ns(\\.|$)");
    private static final Pattern ABBREVIATED_MS = Pattern.compile("(^|\\.)ms(\\.|$)");

    /** What relops' own meters mean, for those registered without a description. */
    static final Map<String, String> RELOPS_DESCRIPTIONS = Map.ofEntries(
            Map.entry("relops.events.published", "relops events sent to Kafka, by type"),
            Map.entry("relops.events.consumed", "relops events handled, by type"),
            Map.entry(
                    "relops.events.invalid",
                    "records refused as no valid relops event (sent to the dead-letter topic)"),
            Map.entry(
                    "relops.outbox.publish.failures", "outbox relay attempts that failed (retried on the next sweep)"),
            Map.entry("relops.outbox.rejected", "outbox rows that were no valid event (moved to outbox_rejected)"),
            Map.entry("relops.release.outcomes", "releases by outcome"),
            Map.entry("relops.release.duration", "release request to completion"),
            Map.entry("relops.release.rollback.duration", "time to roll a release back"),
            Map.entry("relops.health.probe.latency", "health probe latency"),
            Map.entry("relops.health.verifications", "verification outcomes"),
            Map.entry("relops.health.probe.results", "probe results (passed, failed, inconclusive)"),
            Map.entry("relops.health.monitor.transitions", "announced health transitions of live slots"),
            Map.entry("relops.health.monitor.skipped", "monitor rounds skipped"),
            Map.entry("relops.backup.outcomes", "backups by outcome"),
            Map.entry("relops.backup.duration", "backup duration"),
            Map.entry("relops.backup.restore.duration", "restore duration"),
            Map.entry("relops.backup.size", "backup artifact size"),
            Map.entry("relops.backup.verifications", "backup verifications by outcome"),
            Map.entry("relops.backup.pruned", "backups pruned by retention"),
            Map.entry("relops.alert.notifications", "notification sends by outcome"),
            Map.entry("relops.audit.records", "events recorded in the audit log (or ignored as redeliveries)"),
            Map.entry("relops.audit.checkpoints", "signed audit checkpoints written"));

    @Override
    public MeterFilterReply accept(Meter.Id id) {
        boolean subSecondUnit = "ns".equals(id.getBaseUnit())
                || "ms".equals(id.getBaseUnit())
                || "nanoseconds".equals(id.getBaseUnit())
                || "milliseconds".equals(id.getBaseUnit())
                || ABBREVIATED_NS.matcher(id.getName()).find()
                || ABBREVIATED_MS.matcher(id.getName()).find();
        return subSecondUnit ? MeterFilterReply.DENY : MeterFilterReply.NEUTRAL;
    }

    @Override
    public Meter.Id map(Meter.Id id) {
        Meter.Id mapped = id;
        String name = promtoolName(id.getName(), id.getType());
        if (!name.equals(id.getName())) {
            mapped = mapped.withName(name);
        }
        if (mapped.getDescription() == null || mapped.getDescription().isBlank()) {
            String description =
                    RELOPS_DESCRIPTIONS.getOrDefault(id.getName(), id.getName().replace('.', ' '));
            mapped = new Meter.Id(
                    mapped.getName(),
                    Tags.of(mapped.getTagsAsIterable()),
                    mapped.getBaseUnit(),
                    description,
                    mapped.getType());
        }
        return mapped;
    }

    static String promtoolName(String name, Meter.Type type) {
        String renamed = name;
        if (type == Meter.Type.GAUGE && renamed.endsWith(".count")) {
            renamed = renamed.substring(0, renamed.length() - ".count".length()) + ".current";
        }
        return renamed;
    }
}
