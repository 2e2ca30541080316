package io.relops.common.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RetentionChecksTest {

    static final String HEALTH = "io.relops.health.verified";
    static final RetentionPolicy POLICY =
            new RetentionPolicy(Duration.ofDays(1826), Map.of(HEALTH, Duration.ofDays(30)));
    static final Instant PRUNED_AT = Instant.parse("2026-11-22T06:00:00Z");

    final KeyPair keys = Keys.generate();
    final String keyId = Keys.fingerprint(keys.getPublic());
    final Map<String, PublicKey> configured = Map.of(keyId, keys.getPublic());

    Checkpoint retention(long from, long to, Instant newestHealth) {
        return Checkpoint.signRetention(
                to,
                "ab".repeat(32),
                PRUNED_AT,
                new Checkpoint.Pruning(from, POLICY.canonical(), Map.of(HEALTH, newestHealth)),
                keys.getPrivate(),
                keyId);
    }

    @Test
    void acceptsPruningsThatFollowOneAnotherOfRecordsPastTheirPeriod() {
        RetentionChecks.Outcome outcome = RetentionChecks.check(
                List.of(
                        retention(1, 5, PRUNED_AT.minus(Duration.ofDays(40))),
                        retention(6, 9, PRUNED_AT.minus(Duration.ofDays(30)))),
                configured);
        assertThat(outcome.failure()).isNull();
        assertThat(outcome.notes()).isEmpty();
    }

    @Test
    void refusesAPeriodicCheckpointRelabelledAsRetention() {
        Checkpoint periodic =
                Checkpoint.sign(5, "ab".repeat(32), PRUNED_AT, Checkpoint.PERIODIC, keys.getPrivate(), keyId);
        Checkpoint relabelled = new Checkpoint(
                Checkpoint.FORMAT_2,
                5,
                periodic.hash(),
                periodic.time(),
                Checkpoint.RETENTION,
                keyId,
                periodic.signature(),
                new Checkpoint.Pruning(1, POLICY.canonical(), Map.of(HEALTH, PRUNED_AT.minus(Duration.ofDays(40)))));
        assertThat(periodic.verify(configured)).isTrue();
        Verdict failure = RetentionChecks.check(List.of(relabelled), configured).failure();
        assertThat(failure).isNotNull();
        assertThat(failure.reason()).isEqualTo(Verdict.Reason.RETENTION_INVALID);
        assertThat(failure.detail())
                .contains("the retention checkpoint at seq 5")
                .contains("no valid signature of a configured key as a retention checkpoint of records 1 to 5");
    }

    @Test
    void refusesARecordPrunedWithinItsPeriod() {
        Verdict failure = RetentionChecks.check(
                        List.of(retention(1, 5, PRUNED_AT.minus(Duration.ofDays(29)))), configured)
                .failure();
        assertThat(failure).isNotNull();
        assertThat(failure.detail())
                .contains("pruned a " + HEALTH + " record recorded at 2026-10-24T06:00:00Z")
                .contains("keeps until 2026-11-23T06:00:00Z");
    }

    @Test
    void refusesARangeThatDoesNotFollowThePreviousOne() {
        Verdict failure = RetentionChecks.check(
                        List.of(
                                retention(1, 5, PRUNED_AT.minus(Duration.ofDays(40))),
                                retention(7, 9, PRUNED_AT.minus(Duration.ofDays(40)))),
                        configured)
                .failure();
        assertThat(failure).isNotNull();
        assertThat(failure.firstBadSeq()).isEqualTo(9);
        assertThat(failure.detail()).contains("pruned records 7 to 9, but the log's first remaining record was 6");
    }

    @Test
    void aFormatOneRetentionCheckpointStillVerifiesAndIsReportedInANote() throws Exception {
        Checkpoint legacy = new Checkpoint(
                5,
                "ab".repeat(32),
                PRUNED_AT,
                Checkpoint.RETENTION,
                keyId,
                signV1(5, "ab".repeat(32), keys.getPrivate()));
        RetentionChecks.Outcome outcome = RetentionChecks.check(
                List.of(legacy, retention(6, 9, PRUNED_AT.minus(Duration.ofDays(40)))), configured);
        assertThat(outcome.failure()).isNull();
        assertThat(outcome.notes())
                .singleElement()
                .asString()
                .contains("format 1")
                .contains("that records 1 to 5 were past their retention period when pruned cannot be checked");
    }

    @Test
    void signingARetentionCheckpointAsPeriodicIsRefused() {
        assertThatThrownBy(() ->
                        Checkpoint.sign(5, "ab".repeat(32), PRUNED_AT, Checkpoint.RETENTION, keys.getPrivate(), keyId))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("signRetention");
    }

    @Test
    void aPolicyIsAtLeastAsStrictWhenItKeepsEveryTypeAsLong() {
        RetentionPolicy longer = new RetentionPolicy(Duration.ofDays(1826), Map.of(HEALTH, Duration.ofDays(60)));
        RetentionPolicy shorter = new RetentionPolicy(Duration.ofDays(1826), Map.of(HEALTH, Duration.ofDays(1)));
        assertThat(longer.atLeastAsStrictAs(POLICY)).isTrue();
        assertThat(shorter.atLeastAsStrictAs(POLICY)).isFalse();
        assertThat(RetentionPolicy.parse(POLICY.canonical())).isEqualTo(POLICY);
        assertThat(POLICY.canonical()).isEqualTo("{\"default\":157766400,\"types\":{\"" + HEALTH + "\":2592000}}");
    }

    private static String signV1(long seq, String hash, PrivateKey key) throws Exception {
        Signature signer = Signature.getInstance("Ed25519");
        signer.initSign(key);
        signer.update(Checkpoint.payloadV1(seq, hash, PRUNED_AT));
        return Base64.getEncoder().encodeToString(signer.sign());
    }
}
