package io.relops.backup.storage;

import io.relops.backup.policy.BackupSettings;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;

/** Builds the configured {@link ArtifactStore}. */
public final class Stores {

    private Stores() {}

    public static ArtifactStore create(BackupSettings.Storage storage) {
        switch (storage.type()) {
            case "local":
                return new LocalStore(storage.local().directory());
            case "s3":
                BackupSettings.S3 s3 = storage.s3();
                if (s3.bucket() == null || s3.bucket().isBlank()) {
                    throw new IllegalStateException(
                            "relops.backup.storage.type=s3 needs relops.backup.storage.s3.bucket");
                }
                S3Client client = s3Client(s3);
                if (s3.createBucket()) {
                    try {
                        client.headBucket(b -> b.bucket(s3.bucket()));
                    } catch (NoSuchBucketException e) {
                        client.createBucket(b -> b.bucket(s3.bucket()));
                    }
                }
                return new S3Store(client, s3.bucket(), s3.prefix());
            default:
                throw new IllegalStateException(
                        "relops.backup.storage.type must be 'local' or 's3', is '" + storage.type() + "'");
        }
    }

    public static S3Client s3Client(BackupSettings.S3 s3) {
        AwsCredentialsProvider credentials = s3.accessKey() != null && s3.secretKey() != null
                ? StaticCredentialsProvider.create(AwsBasicCredentials.create(s3.accessKey(), s3.secretKey()))
                : DefaultCredentialsProvider.builder().build();
        S3ClientBuilder builder = S3Client.builder()
                .region(Region.of(s3.region()))
                .credentialsProvider(credentials)
                .forcePathStyle(s3.pathStyle())
                // S3-compatible stores do not all accept the newer default checksums (trailing CRC32).
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClient(UrlConnectionHttpClient.builder().build());
        if (s3.endpoint() != null) {
            builder.endpointOverride(s3.endpoint());
        }
        return builder.build();
    }
}
