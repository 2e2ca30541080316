package io.relops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ProgressTest {

    final StringWriter err = new StringWriter();

    @Test
    void drawsABarOfBytesDoneWhenTheTotalIsKnownALinePerTenthInLogs() {
        Progress progress = new Progress(new PrintWriter(err), false);

        progress.update("backup b1", "RUNNING", 0, 4 * 1024 * 1024);
        progress.update("backup b1", "RUNNING", 100, 4 * 1024 * 1024); // same tenth: no new line
        progress.update("backup b1", "RUNNING", 2 * 1024 * 1024, 4 * 1024 * 1024);
        progress.update("backup b1", "COMPLETED", 4 * 1024 * 1024, 4 * 1024 * 1024);

        assertThat(err.toString().lines())
                .containsExactly(
                        "backup b1 RUNNING   [..............................]   0% 0 B / 4.0 MiB",
                        "backup b1 RUNNING   [###############...............]  50% 2.0 MiB / 4.0 MiB",
                        "backup b1 COMPLETED [##############################] 100% 4.0 MiB / 4.0 MiB");
    }

    @Test
    void fallsBackToTheStateWithoutATotal() {
        Progress progress = new Progress(new PrintWriter(err), false);

        progress.update("restore r1", "REQUESTED", 0, 0);
        progress.update("restore r1", "REQUESTED", 0, 0);
        progress.update("restore r1", "RUNNING", 0, 0);

        assertThat(err.toString().lines()).containsExactly("restore r1 REQUESTED", "restore r1 RUNNING");
    }

    @Test
    void redrawsInPlaceOnATerminal() {
        Progress progress = new Progress(new PrintWriter(err), true);

        progress.update("backup b1", "RUNNING", 512, 1024);
        progress.update("backup b1", "RUNNING", 1024, 1024);
        progress.done();

        assertThat(err.toString())
                .startsWith("\rbackup b1 RUNNING")
                .contains("\r")
                .endsWith("\n");
        assertThat(err.toString().chars().filter(c -> c == '\n').count())
                .as("one newline, after the bar")
                .isEqualTo(1);
    }
}
