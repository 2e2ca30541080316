package io.relops.platform.catalog;

import java.nio.file.Path;
import java.util.List;

/** The catalog is missing, unreadable or invalid: each problem is one line naming the file, application and key. */
public final class InvalidCatalogException extends RuntimeException {

    private final Path file;
    private final List<String> problems;

    public InvalidCatalogException(Path file, List<String> problems) {
        super(
                problems.size() == 1
                        ? problems.get(0)
                        : problems.size() + " problems in the catalog " + file + ":\n  "
                                + String.join("\n  ", problems));
        this.file = file;
        this.problems = List.copyOf(problems);
    }

    public Path file() {
        return file;
    }

    public List<String> problems() {
        return problems;
    }
}
