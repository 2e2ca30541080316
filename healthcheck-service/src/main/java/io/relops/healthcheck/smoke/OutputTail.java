package io.relops.healthcheck.smoke;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The last lines of a smoke test's output, in bounded memory whatever it prints: at most {@code maxLines} lines,
 * each cut at {@link #MAX_LINE} characters (a line without an end never grows past it either).
 */
final class OutputTail {

    /** The characters of one line kept; the rest of a longer line is dropped and marked with {@code …}. */
    static final int MAX_LINE = 300;

    private final int maxLines;
    private final Deque<String> lines = new ArrayDeque<>();

    OutputTail(int maxLines) {
        this.maxLines = maxLines;
    }

    synchronized void add(String line) {
        lines.addLast(line.length() > MAX_LINE ? line.substring(0, MAX_LINE) + "…" : line);
        if (lines.size() > maxLines) {
            lines.removeFirst();
        }
    }

    synchronized List<String> lines() {
        return List.copyOf(lines);
    }

    /** Reads {@code in} (UTF-8) to its end, keeping its last lines; an I/O error (a killed process) ends it. */
    void readFrom(InputStream in) {
        StringBuilder line = new StringBuilder();
        boolean cut = false;
        char[] buffer = new char[8192];
        try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            int read;
            while ((read = reader.read(buffer)) >= 0) {
                for (int i = 0; i < read; i++) {
                    char c = buffer[i];
                    if (c == '\n') {
                        add(cut ? line + "…" : line.toString());
                        line.setLength(0);
                        cut = false;
                    } else if (c != '\r') {
                        if (line.length() < MAX_LINE) {
                            line.append(c);
                        } else {
                            cut = true;
                        }
                    }
                }
            }
        } catch (IOException e) {
            // the stream was closed under us (the process was destroyed): what was read is kept
        }
        if (!line.isEmpty()) {
            add(cut ? line + "…" : line.toString());
        }
    }
}
