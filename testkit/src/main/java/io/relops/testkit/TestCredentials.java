package io.relops.testkit;

import io.relops.common.audit.Keys;
import io.relops.common.codec.EventSignature;
import io.relops.common.event.RelopsEvent;
import io.relops.common.security.EventAuthority;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One API token per relops role for the tests of this JVM: the services under test are given only
 * their SHA-256 hashes ({@link #properties()}, {@link #args()}; {@link RelopsTopics#serviceArgs}
 * adds them), the test sends the tokens ({@link #bearer}). The one place tests get credentials, the event
 * signing key among them: the gateway under test signs with it, consumers verify with it, and a test that plays
 * the gateway signs with {@link #sign}.
 */
public final class TestCredentials {

    /** Every role, people first: operator, approver, auditor, admin, then metrics, timeline and ingest. */
    public static final List<String> ROLES =
            List.of("operator", "approver", "auditor", "admin", "metrics", "timeline", "ingest");

    private static final String RUN = random();

    /** The id of this JVM's event signing key, as the gateway under test and the consumers know it. */
    public static final String EVENT_KEY_ID = "test";

    private static final KeyPair EVENT_KEY = Keys.generate();

    private TestCredentials() {}

    /** The token of {@code role} (any case). */
    public static String token(String role) {
        return "test-" + role.toLowerCase(Locale.ROOT) + "-" + RUN;
    }

    /** {@code Bearer <token of role>}: the {@code Authorization} header value. */
    public static String bearer(String role) {
        return "Bearer " + token(role);
    }

    /** The name a service knows {@code role}'s token by (the actor of what it does). */
    public static String name(String role) {
        return "test-" + role.toLowerCase(Locale.ROOT);
    }

    /** A well-formed token no service knows. */
    public static String badToken() {
        return "test-unknown-" + random();
    }

    /** {@code relops.security.tokens[i].*}: each role's token by name, role and hash. */
    public static Map<String, String> properties() {
        Map<String, String> properties = new LinkedHashMap<>();
        for (int i = 0; i < ROLES.size(); i++) {
            String prefix = "relops.security.tokens[" + i + "].";
            properties.put(prefix + "name", name(ROLES.get(i)));
            properties.put(prefix + "roles[0]", ROLES.get(i));
            properties.put(prefix + "sha256", sha256Hex(token(ROLES.get(i))));
        }
        properties.put(
                "relops.security.event-signing.public-keys." + EVENT_KEY_ID,
                Base64.getEncoder().encodeToString(EVENT_KEY.getPublic().getEncoded()));
        properties.put("relops.gateway.event-signing.key-file", EventKeyFile.PATH.toString());
        properties.put("relops.gateway.event-signing.key-id", EVENT_KEY_ID);
        return properties;
    }

    /**
     * The gateway's signature over {@code event} for a caller with {@code roles}, made with this JVM's event signing
     * key (which {@link #properties()} gives to every service): what a test publishes an approval, a rollback or
     * another authority-carrying event with when it plays the gateway.
     */
    public static EventSignature sign(RelopsEvent<?> event, String... roles) {
        return EventAuthority.sign(event, List.of(roles), EVENT_KEY_ID, EVENT_KEY.getPrivate());
    }

    /** The event signing key pair of this JVM (for a test that forges or rotates). */
    public static KeyPair eventSigningKey() {
        return EVENT_KEY;
    }

    /** The key pair in a PEM file, for the gateway under test ({@code relops.gateway.event-signing.key-file}). */
    private static final class EventKeyFile {
        static final Path PATH = write();

        private static Path write() {
            try {
                Path file = Files.createTempFile("relops-test-event-signing-", ".pem");
                file.toFile().deleteOnExit();
                Files.writeString(
                        file, Keys.privatePem(EVENT_KEY.getPrivate()) + Keys.publicPem(EVENT_KEY.getPublic()));
                return file;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the test event signing key", e);
            }
        }
    }

    /** {@link #properties()} as command-line arguments ({@code --key=value}). */
    public static String[] args() {
        return properties().entrySet().stream()
                .map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);
    }

    /** The lower-case hex SHA-256 of the UTF-8 token, as services are configured with. */
    public static String sha256Hex(String token) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String random() {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
