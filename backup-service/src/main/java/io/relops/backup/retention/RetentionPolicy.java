package io.relops.backup.retention;

import java.time.Duration;

/**
 * Grandfather-father-son retention with a maximum age, in one policy: keep the {@code last} most recent backups, and
 * the newest backup of each of the last {@code daily} days, {@code weekly} ISO weeks and {@code monthly} months that
 * have backups, but nothing older than {@code maxAge}.
 */
public record RetentionPolicy(int last, int daily, int weekly, int monthly, Duration maxAge) {

    public RetentionPolicy {
        if (last < 0 || daily < 0 || weekly < 0 || monthly < 0) {
            throw new IllegalArgumentException("retention counts must not be negative");
        }
        if (maxAge.isNegative() || maxAge.isZero()) {
            throw new IllegalArgumentException("retention max-age must be positive");
        }
    }

    public String describe() {
        return "last=" + last + ",daily=" + daily + ",weekly=" + weekly + ",monthly=" + monthly + ",max-age=" + maxAge;
    }
}
