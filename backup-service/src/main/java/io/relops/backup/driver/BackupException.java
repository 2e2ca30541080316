package io.relops.backup.driver;

/** A backup, verification or restore failed for a reason an operator can act on; the message says which. */
public class BackupException extends RuntimeException {

    public BackupException(String message) {
        super(message);
    }

    public BackupException(String message, Throwable cause) {
        super(message, cause);
    }
}
