package io.relops.audit.log;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.relops.common.audit.AuditExport;
import io.relops.common.audit.CanonicalJson;
import io.relops.common.audit.Checkpoint;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.GetObjectLockConfigurationResponse;
import software.amazon.awssdk.services.s3.model.ObjectLockEnabled;
import software.amazon.awssdk.services.s3.model.ObjectLockMode;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The optional second anchor: with {@code relops.audit.anchor.s3.bucket} set, every checkpoint {@link
 * CheckpointAnchors} anchors is also written to that bucket as {@code <prefix><seq, 19 digits>-<kind>.json} (the
 * same line as the Kafka anchor), under Object Lock retention ({@code COMPLIANCE} by default) until now + the log's
 * longest retention period + the margin the anchor topic keeps too. The bucket must have Object Lock enabled: the
 * service refuses to start otherwise (unless {@code require-object-lock} is false, for a test double). Verification
 * reads the newest objects under the prefix back ({@link #newest}).
 */
@Component
public class S3Anchors implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(S3Anchors.class);

    private final AuditProperties.S3 settings;
    private final JdbcTemplate jdbc;
    private final Duration retainFor;
    private final S3Client s3;
    private final ObjectLockMode mode;
    private final String prefix;
    private final Counter written;

    S3Anchors(AuditProperties properties, JdbcTemplate jdbc, MeterRegistry meters) {
        this.settings = properties.anchor().s3();
        this.jdbc = jdbc;
        this.retainFor = properties.retention().longest().plus(AuditIntegrityConfiguration.ANCHOR_MARGIN);
        this.written = Counter.builder("relops.audit.anchors.s3.written")
                .description("signed checkpoints written to the S3 anchor bucket")
                .register(meters);
        if (!settings.enabled()) {
            this.s3 = null;
            this.mode = null;
            this.prefix = "";
            return;
        }
        this.mode = mode(settings.mode());
        this.prefix = settings.prefix().isEmpty() || settings.prefix().endsWith("/")
                ? settings.prefix()
                : settings.prefix() + "/";
        if (settings.window() < 1) {
            throw new IllegalStateException(
                    "relops.audit.anchor.s3.window must be at least 1, is " + settings.window());
        }
        this.s3 = client(settings);
        if (settings.requireObjectLock()) {
            requireObjectLock();
        } else {
            log.warn(
                    "relops.audit.anchor.s3.require-object-lock is false: bucket '{}' is not checked for Object Lock;"
                            + " without it the S3 anchor can be deleted or overwritten (only for a test double)",
                    settings.bucket());
        }
        log.info(
                "audit checkpoints are also anchored in s3://{}/{} (Object Lock {}, retained {} days)",
                settings.bucket(),
                prefix,
                mode,
                retainFor.toDays());
    }

    /** Whether the S3 anchor is on. */
    public boolean enabled() {
        return s3 != null;
    }

    /** Where the objects are: {@code s3://bucket/prefix}. */
    public String location() {
        return "s3://" + settings.bucket() + "/" + prefix;
    }

    /** Writes {@code checkpoint} under Object Lock; throws when the store did not take it. */
    public void write(Checkpoint checkpoint) {
        byte[] body = AuditExport.checkpointLine(checkpoint).getBytes(StandardCharsets.UTF_8);
        String key = key(checkpoint);
        Instant retainUntil = Instant.now().plus(retainFor);
        try {
            // Object Lock puts need an integrity header: Content-MD5 is the one every S3 implementation accepts
            s3.putObject(
                    b -> b.bucket(settings.bucket())
                            .key(key)
                            .contentType("application/json")
                            .contentMD5(md5(body))
                            .objectLockMode(mode)
                            .objectLockRetainUntilDate(retainUntil),
                    RequestBody.fromBytes(body));
        } catch (SdkException e) {
            throw new IllegalStateException(
                    "could not write " + checkpoint.describe() + " to s3://" + settings.bucket() + "/" + key + ": "
                            + e.getMessage(),
                    e);
        }
        written.increment();
    }

    /**
     * The newest objects under the prefix (at most {@code relops.audit.anchor.s3.window}), read back. The listing
     * starts at the log's {@code window}-th newest stored checkpoint, so that it stays short however long the log;
     * a log shortened at the head only moves that start back.
     */
    public CheckpointAnchors.Anchored newest() {
        Long from = jdbc.queryForObject(
                "select coalesce(min(seq), 0) from (select seq from audit_checkpoint order by seq desc limit ?) t",
                Long.class,
                settings.window());
        Deque<S3Object> newest = new ArrayDeque<>();
        for (S3Object object : s3.listObjectsV2Paginator(b ->
                        b.bucket(settings.bucket()).prefix(prefix).startAfter(prefix + padded(from == null ? 0 : from)))
                .contents()) {
            newest.addLast(object);
            if (newest.size() > settings.window()) {
                newest.removeFirst();
            }
        }
        List<CheckpointAnchors.Anchor> checkpoints = new ArrayList<>();
        int malformed = 0;
        for (S3Object object : newest) {
            try {
                String line = s3.getObjectAsBytes(
                                b -> b.bucket(settings.bucket()).key(object.key()))
                        .asUtf8String();
                checkpoints.add(new CheckpointAnchors.Anchor(
                        AuditExport.readCheckpoint(CanonicalJson.read(line.strip())),
                        object.lastModified(),
                        "s3://" + settings.bucket() + "/" + object.key()));
            } catch (SdkException e) {
                throw e;
            } catch (RuntimeException e) {
                malformed++;
            }
        }
        return new CheckpointAnchors.Anchored(checkpoints, malformed);
    }

    /** {@code <prefix><seq, 19 digits>-<kind>.json}: keys sort by seq. */
    String key(Checkpoint checkpoint) {
        return prefix + padded(checkpoint.seq()) + "-" + checkpoint.kind() + ".json";
    }

    private static String padded(long seq) {
        return String.format(Locale.ROOT, "%019d", seq);
    }

    private void requireObjectLock() {
        GetObjectLockConfigurationResponse lock;
        try {
            lock = s3.getObjectLockConfiguration(b -> b.bucket(settings.bucket()));
        } catch (SdkException e) {
            throw new IllegalStateException(
                    "relops.audit.anchor.s3.bucket '" + settings.bucket() + "' must have Object Lock enabled, but"
                            + " its Object Lock configuration could not be read (" + e.getMessage() + "); create the"
                            + " bucket with Object Lock enabled, or unset relops.audit.anchor.s3.bucket",
                    e);
        }
        if (lock.objectLockConfiguration() == null
                || lock.objectLockConfiguration().objectLockEnabled() != ObjectLockEnabled.ENABLED) {
            throw new IllegalStateException("relops.audit.anchor.s3.bucket '" + settings.bucket()
                    + "' does not have Object Lock enabled: the anchors could be deleted or overwritten; create the"
                    + " bucket with Object Lock enabled, or unset relops.audit.anchor.s3.bucket");
        }
    }

    private static ObjectLockMode mode(String value) {
        String upper = value.trim().toUpperCase(Locale.ROOT);
        if (upper.equals("COMPLIANCE")) {
            return ObjectLockMode.COMPLIANCE;
        }
        if (upper.equals("GOVERNANCE")) {
            return ObjectLockMode.GOVERNANCE;
        }
        throw new IllegalStateException(
                "relops.audit.anchor.s3.mode must be COMPLIANCE or GOVERNANCE, is '" + value + "'");
    }

    private static S3Client client(AuditProperties.S3 settings) {
        boolean accessKey =
                settings.accessKey() != null && !settings.accessKey().isBlank();
        boolean secretKey =
                settings.secretKey() != null && !settings.secretKey().isBlank();
        if (accessKey != secretKey) {
            throw new IllegalStateException("relops.audit.anchor.s3.access-key and secret-key must be set together"
                    + " (or neither: the AWS SDK's default credentials chain)");
        }
        AwsCredentialsProvider credentials = accessKey
                ? StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(settings.accessKey(), settings.secretKey()))
                : DefaultCredentialsProvider.builder().build();
        S3ClientBuilder builder = S3Client.builder()
                .region(Region.of(settings.region()))
                .credentialsProvider(credentials)
                .forcePathStyle(settings.pathStyle())
                // S3-compatible stores do not all accept the newer default checksums (trailing CRC32); the puts
                // carry Content-MD5 themselves
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClient(UrlConnectionHttpClient.builder().build());
        if (settings.endpoint() != null) {
            builder.endpointOverride(settings.endpoint());
        }
        return builder.build();
    }

    private static String md5(byte[] body) {
        try {
            return Base64.getEncoder()
                    .encodeToString(MessageDigest.getInstance("MD5").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no MD5", e);
        }
    }

    @Override
    public void destroy() {
        if (s3 != null) {
            s3.close();
        }
    }
}
