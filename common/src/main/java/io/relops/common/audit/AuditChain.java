package io.relops.common.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;

/**
 * The hash chain. For record {@code n}:
 *
 * <pre>
 * digest(n) = SHA-256( canonical JSON of {actor, data, id, recordedAt, releaseId, seq, source,
 *                                          subject, time, topic, type} )
 * hash(n)   = SHA-256( bytes(prev_hash(n)) || bytes(digest(n)) )      (32 + 32 bytes)
 * prev_hash(n) = hash(n - 1), and 64 zeros for the first record
 * </pre>
 *
 * Hashes are lowercase hex. Times are ISO-8601 UTC instants truncated to microseconds (what
 * PostgreSQL {@code timestamptz} keeps), e.g. {@code 2026-11-22T05:30:14.123456Z}, trailing zero
 * fraction digits dropped as {@link DateTimeFormatter#ISO_INSTANT} does.
 */
public final class AuditChain {

    /** The {@code prev_hash} of the first record of a chain. */
    public static final String GENESIS = "0".repeat(64);

    private static final HexFormat HEX = HexFormat.of();

    private AuditChain() {}

    public static String link(String prevHash, String digest) {
        MessageDigest sha = sha256();
        sha.update(HEX.parseHex(prevHash));
        sha.update(HEX.parseHex(digest));
        return HEX.formatHex(sha.digest());
    }

    public static String sha256Hex(byte[] bytes) {
        return HEX.formatHex(sha256().digest(bytes));
    }

    /** The precision the log keeps: microseconds. */
    public static Instant normalize(Instant time) {
        return time.truncatedTo(ChronoUnit.MICROS);
    }

    public static String formatTime(Instant time) {
        return DateTimeFormatter.ISO_INSTANT.format(normalize(time));
    }

    public static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
