package io.relops.deploy.targets.nginx;

import static org.assertj.core.api.Assertions.assertThat;

import io.relops.deploy.targets.nginx.NginxWorkers.Worker;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** When the router counts an nginx reload as applied: the old workers take no new request, a new one runs. */
class NginxWorkersTest {

    private static final Map<Long, Worker> BEFORE =
            Map.of(11L, new Worker(11, 10, false), 21L, new Worker(21, 20, false));

    @Test
    void aReloadIsAppliedOnceTheOldWorkersShutDownAndANewOneRuns() {
        assertThat(NginxWorkers.reloaded(BEFORE, BEFORE))
                .as("nothing changed yet")
                .isFalse();
        assertThat(NginxWorkers.reloaded(
                        BEFORE, Map.of(11L, new Worker(11, 10, false), 12L, new Worker(12, 10, false))))
                .as("the new worker runs, the old one still takes requests")
                .isFalse();
        assertThat(NginxWorkers.reloaded(BEFORE, Map.of(11L, new Worker(11, 10, true), 12L, new Worker(12, 10, false))))
                .as("the old worker is shutting down")
                .isTrue();
        assertThat(NginxWorkers.reloaded(
                        BEFORE, Map.of(12L, new Worker(12, 10, false), 21L, new Worker(21, 20, false))))
                .as("the old worker is gone; another nginx (master 20) did not reload, which does not matter")
                .isTrue();
        assertThat(NginxWorkers.reloaded(BEFORE, Map.of(11L, new Worker(11, 10, true))))
                .as("no new worker: the master did not apply it")
                .isFalse();
    }

    @Test
    void waitsForNothingWhenThisHostSeesNoNginx() {
        assertThat(NginxWorkers.awaitReload(Map.of(), Map::of, Duration.ofSeconds(10)))
                .isTrue();
        assertThat(NginxWorkers.awaitReload(BEFORE, () -> BEFORE, Duration.ofMillis(100)))
                .as("a reload never applied is reported after the timeout")
                .isFalse();
    }
}
