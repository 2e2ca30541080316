package io.relops.cli;

/** The exit codes scripts can rely on (also listed by {@code relops --help} and in docs/cli.md). */
final class ExitCode {

    /** It worked (and, with {@code --wait}, ended as asked). */
    static final int OK = 0;
    /** The operation failed or ended badly: a release rolled back, a backup failed, a log did not verify, a wait timed out. */
    static final int FAILED = 1;
    /** Bad usage: unknown command or option, missing argument, or input the server refused as invalid (400). */
    static final int USAGE = 2;
    /** Not authenticated (401) or not allowed (403). */
    static final int AUTH = 3;
    /** Not found (404). */
    static final int NOT_FOUND = 4;
    /** Conflict with the current state (409), e.g. approving a release that is not awaiting approval. */
    static final int CONFLICT = 5;
    /** The server failed (5xx) or could not be reached. */
    static final int SERVER = 6;

    private ExitCode() {}

    /** The exit code of an HTTP error status. */
    static int of(int status) {
        if (status == 400 || status == 413 || status == 415 || status == 422) {
            return USAGE;
        }
        if (status == 401 || status == 403) {
            return AUTH;
        }
        if (status == 404) {
            return NOT_FOUND;
        }
        if (status == 409) {
            return CONFLICT;
        }
        if (status >= 500) {
            return SERVER;
        }
        return FAILED;
    }
}
