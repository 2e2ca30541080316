package io.relops.healthcheck.monitor;

import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How this replica runs the monitors ({@code relops.health.monitor.*}): the number of partitions
 * and the length of a partition lease (ShedLock), how often the live slots are re-read, how often
 * the streaks and evidence are written in one batch (state changes are written at once), the
 * scheduler's threads, this replica's name in the lock table (default: host name and a random
 * suffix), and the start grace: for this long after this replica started, the monitors it resumes (the
 * live slots it finds on its first look) do not count failing rounds. A restart of the suite restarts
 * the workloads of targets that do not outlive it (the local process target) at the same time, and
 * their first seconds must not roll back a release still in its watch window; a workload that is
 * still failing when the grace ends fails as usual.
 */
@ConfigurationProperties("relops.health.monitor")
public record MonitorSettings(
        @DefaultValue("16") int partitions,
        @DefaultValue("15s") Duration lease,
        @DefaultValue("2s") Duration refresh,
        @DefaultValue("10s") Duration persistEvery,
        @DefaultValue("2") int threads,
        @Nullable String instanceId,
        @DefaultValue("30s") Duration startGrace) {}
