package io.relops.cli;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * Progress of long work on stderr: a bar redrawn in place on a terminal, otherwise a line whenever the state
 * changes or another tenth is done (so logs of scripts stay short).
 */
final class Progress {

    private static final int WIDTH = 30;

    private final PrintWriter err;
    private final boolean interactive;
    private String lastState = "";
    private long lastTenth = -1;
    private int dots;
    private boolean drawn;

    Progress(PrintWriter err, boolean interactive) {
        this.err = err;
        this.interactive = interactive;
    }

    /** Shows {@code label state} with a bar when {@code total > 0}, else the bytes done (if any) and a dot. */
    void update(String label, String state, long done, long total) {
        String text;
        long tenth;
        if (total > 0) {
            double fraction = Math.min(1.0, (double) done / total);
            int filled = (int) Math.round(fraction * WIDTH);
            text = String.format(
                    Locale.ROOT,
                    "%s %-9s [%s%s] %3d%% %s / %s",
                    label,
                    state,
                    "#".repeat(filled),
                    ".".repeat(WIDTH - filled),
                    Math.round(fraction * 100),
                    bytes(done),
                    bytes(total));
            tenth = (long) (fraction * 10);
        } else {
            dots = dots % 3 + 1;
            text = label + " " + state + (done > 0 ? " " + bytes(done) : "") + " " + ".".repeat(dots);
            tenth = lastTenth;
        }
        if (interactive) {
            err.print("\r" + text + "\u001b[K");
            drawn = true;
        } else if (!state.equals(lastState) || tenth != lastTenth) {
            err.println(total > 0 || done > 0 ? text : label + " " + state);
        }
        lastState = state;
        lastTenth = tenth;
        err.flush();
    }

    /** Ends the progress display (a newline after an in-place bar). */
    void done() {
        if (interactive && drawn) {
            err.println();
            err.flush();
        }
    }

    static String bytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }
}
