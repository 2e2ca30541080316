package io.relops.audit.log;

import io.relops.common.audit.RetentionPolicy;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code relops.audit.*}.
 *
 * @param checkpoint when signed checkpoints are written
 * @param signing where the Ed25519 signing key comes from
 * @param index how the search index is built behind the writer
 * @param retention how long records are kept
 * @param database the roles the service connects as
 * @param verification when the log verifies itself
 * @param anchor where signed checkpoints are published outside the database
 */
@ConfigurationProperties("relops.audit")
public record AuditProperties(
        @DefaultValue Checkpoints checkpoint,
        @DefaultValue Signing signing,
        @DefaultValue Index index,
        @DefaultValue Retention retention,
        @DefaultValue Database database,
        @DefaultValue Verification verification,
        @DefaultValue Anchor anchor) {

    /**
     * @param everyRecords a checkpoint at least every this many records
     * @param interval and at least this often while records arrive
     */
    public record Checkpoints(
            @DefaultValue("1000") int everyRecords,
            @DefaultValue("10s") Duration interval) {}

    /**
     * @param keyFile a PEM file with the Ed25519 {@code PRIVATE KEY} (PKCS#8) and its {@code PUBLIC KEY}
     * @param generateIfMissing create the key file when it does not exist (the local default; production
     *     mounts the key as a secret and sets this to false)
     * @param publicKeys further public keys that verify checkpoints, by key id (the key's fingerprint, as
     *     checkpoints name it) → PEM text ({@code -----BEGIN PUBLIC KEY-----...}): the keys signing was rotated
     *     away from. The current key's public key always verifies too.
     */
    public record Signing(
            @DefaultValue("audit-signing-key.pem") Path keyFile,
            @DefaultValue("false") boolean generateIfMissing,
            @DefaultValue Map<String, String> publicKeys) {}

    /**
     * @param interval how often the log verifies itself, incrementally from the last verified checkpoint, once
     *     across replicas (ShedLock)
     * @param initialDelay when the first run starts after start-up
     * @param lockAtMostFor how long a replica's verification run may hold the lock if it dies mid-run
     */
    public record Verification(
            @DefaultValue("15m") Duration interval,
            @DefaultValue("1m") Duration initialDelay,
            @DefaultValue("30m") Duration lockAtMostFor) {}

    /**
     * @param topic the Kafka topic every signed checkpoint is published to (one partition, kept at least as long
     *     as the log's longest retention period)
     * @param interval how often checkpoints not yet published are looked for
     * @param window how many of the topic's newest records verification reads
     * @param s3 the optional second anchor: an S3 bucket with Object Lock (off unless its bucket is set)
     */
    public record Anchor(
            @DefaultValue("relops.audit.checkpoints") String topic,
            @DefaultValue("2s") Duration interval,
            @DefaultValue("1000") int window,
            @DefaultValue S3 s3) {}

    /**
     * {@code relops.audit.anchor.s3.*}: every anchored checkpoint also written as an object under Object Lock.
     * Credentials: {@code accessKey}/{@code secretKey} when both are set, else the AWS SDK's default chain
     * (environment, profile, instance role).
     *
     * @param bucket the bucket; unset (the default) turns the S3 anchor off. It must have Object Lock enabled
     * @param endpoint an S3-compatible endpoint (MinIO, Ceph…); AWS when unset
     * @param region the bucket's region
     * @param prefix the key prefix the objects are written under ({@code <prefix><seq, 19 digits>-<kind>.json})
     * @param pathStyle path-style requests ({@code endpoint/bucket/key}), as most S3-compatible stores need
     * @param accessKey explicit credentials...
     * @param secretKey ...both or neither
     * @param mode the Object Lock retention mode of each object: {@code COMPLIANCE} (nobody can shorten or remove
     *     it, not even the account root) or {@code GOVERNANCE} (whoever has {@code s3:BypassGovernanceRetention}
     *     can)
     * @param requireObjectLock refuse to start unless the bucket reports Object Lock enabled; only for a test
     *     double that does not implement Object Lock (s3proxy), never in production
     * @param window how many of the newest objects under the prefix verification reads
     */
    public record S3(
            @Nullable String bucket,
            @Nullable URI endpoint,
            @DefaultValue("us-east-1") String region,
            @DefaultValue("audit-checkpoints/") String prefix,
            @DefaultValue("true") boolean pathStyle,
            @Nullable String accessKey,
            @Nullable String secretKey,
            @DefaultValue("COMPLIANCE") String mode,
            @DefaultValue("true") boolean requireObjectLock,
            @DefaultValue("100") int window) {

        /** Whether the S3 anchor is on (its bucket is set). */
        public boolean enabled() {
            return bucket != null && !bucket.isBlank();
        }
    }

    /**
     * @param interval how often the search indexer looks for records it has not indexed yet
     * @param chunk records indexed per transaction
     * @param yieldAbove while the log grows faster than this (records per second), the indexer leaves the
     *     CPU to the writer...
     * @param maxLag ...unless it is this many records behind: then it indexes whatever the ingest rate
     */
    public record Index(
            @DefaultValue("1s") Duration interval,
            @DefaultValue("20000") int chunk,
            @DefaultValue("5000") long yieldAbove,
            @DefaultValue("200000") long maxLag) {}

    /**
     * @param defaultPeriod how long a record is kept when its type has no period of its own (five years)
     * @param types periods per event type name ({@code io.relops.health.verified: 400d})
     * @param interval how often pruning runs
     */
    public record Retention(
            @DefaultValue("1826d") Duration defaultPeriod,
            @DefaultValue Map<String, Duration> types,
            @DefaultValue("1h") Duration interval) {

        /** How long records of {@code type} are kept. */
        public Duration periodOf(String type) {
            return types.getOrDefault(type, defaultPeriod);
        }

        /** The policy as a retention checkpoint signs it and the database holds it. */
        public RetentionPolicy policy() {
            return new RetentionPolicy(defaultPeriod, types);
        }

        /** The longest period of any type: how long the anchor topic keeps checkpoints, at least. */
        public Duration longest() {
            return types.values().stream().reduce(defaultPeriod, (a, b) -> a.compareTo(b) >= 0 ? a : b);
        }
    }

    /**
     * @param writerUser the role the service writes with (INSERT and SELECT only)
     * @param writerPassword its password
     * @param maintainerUser the role pruning runs as (may only execute {@code audit_prune})
     * @param maintainerPassword its password
     */
    public record Database(
            @DefaultValue("relops_audit_writer") String writerUser,
            @DefaultValue("relops-audit-local") String writerPassword,
            @DefaultValue("relops_audit_maintainer") String maintainerUser,
            @DefaultValue("relops-audit-maintainer-local") String maintainerPassword) {}
}
