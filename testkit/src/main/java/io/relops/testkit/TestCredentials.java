package io.relops.testkit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One API token per relops role for the tests of this JVM: the services under test are given only
 * their SHA-256 hashes ({@link #properties()}, {@link #args()}; {@link RelopsTopics#serviceArgs}
 * adds them), the test sends the tokens ({@link #bearer}). The one place tests get credentials.
 */
public final class TestCredentials {

    /** Every role, people first: operator, approver, auditor, admin, then metrics, timeline and ingest. */
    public static final List<String> ROLES =
            List.of("operator", "approver", "auditor", "admin", "metrics", "timeline", "ingest");

    private static final String RUN = random();

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
        return properties;
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
