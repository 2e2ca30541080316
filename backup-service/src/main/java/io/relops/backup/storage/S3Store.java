package io.relops.backup.storage;

import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * Artifacts in an S3 bucket (AWS or any S3-compatible store: MinIO, Ceph, s3proxy…). Each call is retried with
 * backoff (Resilience4j); a missing bucket or key is not retried.
 */
public final class S3Store implements ArtifactStore {

    private final S3Client s3;
    private final String bucket;
    private final String prefix;
    private final Retry retry;

    public S3Store(S3Client s3, String bucket, String prefix) {
        this.s3 = s3;
        this.bucket = bucket;
        this.prefix = prefix.isEmpty() || prefix.endsWith("/") ? prefix : prefix + "/";
        this.retry = Retry.of(
                "s3-" + bucket,
                RetryConfig.custom()
                        .maxAttempts(4)
                        .intervalFunction(io.github.resilience4j.core.IntervalFunction.ofExponentialBackoff(
                                Duration.ofMillis(500), 2.0))
                        .retryExceptions(SdkException.class, UncheckedIOException.class)
                        .ignoreExceptions(NoSuchKeyException.class, NoSuchBucketException.class)
                        .build());
    }

    @Override
    public String location(String key) {
        return "s3://" + bucket + "/" + prefix + key;
    }

    @Override
    public void put(String key, Path file) throws IOException {
        call(() -> s3.putObject(b -> b.bucket(bucket).key(prefix + key), RequestBody.fromFile(file)));
        Files.deleteIfExists(file);
    }

    @Override
    public Path fetch(String key, Path staging) throws IOException {
        Path target = staging.resolve(key.replace('/', '_'));
        call(() -> {
            try {
                Files.deleteIfExists(target);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return s3.getObject(b -> b.bucket(bucket).key(prefix + key), ResponseTransformer.toFile(target));
        });
        return target;
    }

    @Override
    public void delete(String key) throws IOException {
        call(() -> s3.deleteObject(b -> b.bucket(bucket).key(prefix + key)));
    }

    private <T> T call(Supplier<T> operation) throws IOException {
        try {
            return retry.executeSupplier(operation);
        } catch (NoSuchKeyException e) {
            throw new IOException("no object " + bucket + "/" + e.getMessage(), e);
        } catch (SdkException e) {
            throw new IOException("S3 bucket '" + bucket + "': " + e.getMessage(), e);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
