package io.relops.common.audit;

import io.relops.common.audit.Verdict.Reason;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Verifies a contiguous range of the chain, fed in sequence order, against the signed checkpoints
 * of that range. Constant memory except a short look-ahead after the first failure, used to tell a
 * reordered record from a modified one. Usage: {@code while (more && verifier.wantsMore())
 * verifier.accept(next); verdict = verifier.finish();}
 *
 * <p>What it detects: a changed field (the record's digest no longer gives its hash: MODIFIED), a
 * deleted record or run of records (a gap in {@code seq}: MISSING), records swapped (intact records
 * whose {@code prev_hash} points at a later record: REORDERED), a chain rewritten consistently after
 * tampering (hash differs from a signed checkpoint: CHECKPOINT_MISMATCH), and deleted newest records
 * (the log ends before a signed checkpoint's {@code seq}: MISSING).
 */
public final class ChainVerifier {

    private static final int LOOK_AHEAD = 1000;

    private final Map<String, PublicKey> keys;
    private final Iterator<Checkpoint> checkpoints;
    private @Nullable Checkpoint nextCheckpoint;
    private long expectedSeq;
    private String previousHash;
    private long lastVerifiedCheckpointSeq;
    private long records;
    private int checkedCheckpoints;
    private @Nullable Verdict failure;
    private @Nullable ChainLink suspect;
    private String suspectPrevious = "";
    private final List<ChainLink> lookAhead = new ArrayList<>();

    /**
     * @param firstSeq the first sequence number of the range
     * @param anchorHash the hash the first record must follow ({@link AuditChain#GENESIS} at the start
     *     of the log, the covering checkpoint's hash after pruning, else the previous record's hash)
     * @param checkpoints the checkpoints with {@code seq >= firstSeq} the range must agree with, in
     *     sequence order
     */
    public ChainVerifier(long firstSeq, String anchorHash, List<Checkpoint> checkpoints, PublicKey publicKey) {
        this(firstSeq, anchorHash, checkpoints, Map.of(Keys.fingerprint(publicKey), publicKey));
    }

    /**
     * As above, with several public keys (key id → key): each checkpoint is verified with the key it names, so
     * checkpoints signed before and after a key rotation verify together.
     */
    public ChainVerifier(long firstSeq, String anchorHash, List<Checkpoint> checkpoints, Map<String, PublicKey> keys) {
        this.keys = Map.copyOf(keys);
        this.checkpoints = checkpoints.iterator();
        this.nextCheckpoint = this.checkpoints.hasNext() ? this.checkpoints.next() : null;
        this.expectedSeq = firstSeq;
        this.previousHash = anchorHash;
        this.lastVerifiedCheckpointSeq = firstSeq - 1;
    }

    /** Whether feeding more of the range can change the outcome. */
    public boolean wantsMore() {
        return failure == null && (suspect == null || lookAhead.size() < LOOK_AHEAD);
    }

    public void accept(ChainLink link) {
        if (suspect != null) {
            lookAhead.add(link);
            return;
        }
        if (failure != null) {
            return;
        }
        records++;
        if (link.seq() > expectedSeq) {
            long lastMissing = link.seq() - 1;
            fail(
                    expectedSeq,
                    Reason.MISSING,
                    lastMissing == expectedSeq
                            ? "record " + expectedSeq + " is missing"
                            : "records " + expectedSeq + " to " + lastMissing + " are missing ("
                                    + (lastMissing - expectedSeq + 1) + " records)");
            return;
        }
        if (link.seq() < expectedSeq) {
            fail(expectedSeq, Reason.REORDERED, "record " + link.seq() + " appears after record " + (expectedSeq - 1));
            return;
        }
        if (!intact(link) || !link.prevHash().equals(previousHash)) {
            suspect = link;
            suspectPrevious = previousHash;
            return;
        }
        previousHash = link.hash();
        expectedSeq++;
        checkCheckpointsUpTo(link.seq());
    }

    private void checkCheckpointsUpTo(long seq) {
        while (failure == null && nextCheckpoint != null && nextCheckpoint.seq() <= seq) {
            Checkpoint checkpoint = nextCheckpoint;
            checkedCheckpoints++;
            if (!checkpoint.verify(keys)) {
                fail(checkpoint.seq(), Reason.CHECKPOINT_MISMATCH, noValidSignature(checkpoint));
                return;
            }
            if (checkpoint.seq() == seq && !checkpoint.hash().equals(previousHash)) {
                fail(
                        checkpoint.seq(),
                        Reason.CHECKPOINT_MISMATCH,
                        "the chain at seq " + seq + " does not match the checkpoint signed at " + checkpoint.time()
                                + ": records " + (lastVerifiedCheckpointSeq + 1) + " to " + seq
                                + " were rewritten");
                return;
            }
            lastVerifiedCheckpointSeq = checkpoint.seq();
            nextCheckpoint = checkpoints.hasNext() ? checkpoints.next() : null;
        }
    }

    public Verdict finish() {
        if (suspect != null && failure == null) {
            diagnose(suspect);
        }
        if (failure != null) {
            return failure;
        }
        checkCheckpointsUpTo(expectedSeq - 1);
        if (failure != null) {
            return failure;
        }
        if (nextCheckpoint != null) {
            Checkpoint beyond = nextCheckpoint;
            if (beyond.verify(keys)) {
                return fail(
                        expectedSeq,
                        Reason.MISSING,
                        "the log ends at seq " + (expectedSeq - 1) + " but the checkpoint signed at " + beyond.time()
                                + " covers records up to seq " + beyond.seq() + ": records " + expectedSeq + " to "
                                + beyond.seq() + " are missing");
            }
            return fail(beyond.seq(), Reason.CHECKPOINT_MISMATCH, noValidSignature(beyond));
        }
        return new Verdict(
                true,
                null,
                null,
                records == 0
                        ? "no records in range"
                        : "records " + (expectedSeq - records) + " to " + (expectedSeq - 1) + " verify",
                records,
                checkedCheckpoints,
                expectedSeq - 1);
    }

    private String noValidSignature(Checkpoint checkpoint) {
        return checkpoint.describe()
                + (checkpoint.format() == Checkpoint.FORMAT_1 || keys.containsKey(checkpoint.keyId())
                        ? " has no valid signature of " + (keys.size() == 1 ? "key " : "keys ")
                                + String.join(", ", keys.keySet())
                        : " is signed by key " + checkpoint.keyId() + ", which is not configured (known: "
                                + String.join(", ", keys.keySet()) + ")");
    }

    private void diagnose(ChainLink link) {
        boolean intact = intact(link);
        if (!link.prevHash().equals(suspectPrevious)) {
            for (ChainLink later : lookAhead) {
                if (later.hash().equals(link.prevHash())) {
                    fail(
                            link.seq(),
                            Reason.REORDERED,
                            "record " + link.seq() + " follows the record now at seq " + later.seq()
                                    + ": records are out of order");
                    return;
                }
            }
        }
        if (!intact) {
            fail(
                    link.seq(),
                    Reason.MODIFIED,
                    "record " + link.seq() + " does not match its hash: its content was changed");
        } else {
            fail(
                    link.seq(),
                    Reason.MODIFIED,
                    "record " + link.seq() + " does not follow record " + (link.seq() - 1)
                            + ": its prev_hash or the previous record was changed");
        }
    }

    private static boolean intact(ChainLink link) {
        try {
            return AuditChain.link(link.prevHash(), link.digest()).equals(link.hash());
        } catch (RuntimeException e) {
            return false; // a hash that is not hex, content that cannot be canonicalised
        }
    }

    private Verdict fail(long seq, Reason reason, String detail) {
        failure = new Verdict(false, seq, reason, detail, records, checkedCheckpoints, expectedSeq - 1);
        return failure;
    }
}
