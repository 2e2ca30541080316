package io.relops.platform.security;

import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertySource;

/**
 * Refuses to start a service outside local use when a setting holds one of the example secrets relops ships
 * ({@code .env.example}, the services' {@code application.yml}, the local Kubernetes overlay): the hashes of the
 * tokens {@code <role>-local-only-change-me}, those tokens themselves, the default database passwords, and the
 * public key of the local event-signing key pair. Anyone
 * who has read the repository knows them.
 *
 * <p>Local use is {@code relops up} (the launcher sets {@code RELOPS_LOCAL=true}), the Spring profile {@code
 * local}, or {@code relops.local=true} (docker-compose and the local overlay set it; the testkit does in tests).
 * The check runs before any bean is made, so a refused service has not connected to anything.
 */
public final class KnownDefaults implements BeanFactoryPostProcessor, EnvironmentAware, Ordered {

    /** The setting that marks local use (environment: {@code RELOPS_LOCAL}). */
    public static final String LOCAL = "relops.local";

    /** The example tokens are {@code <role>-local-only-change-me}. */
    static final String EXAMPLE_TOKEN_SUFFIX = "-local-only-change-me";

    /** The default passwords of the database roles (and of the tools docker-compose ships). */
    static final Set<String> PASSWORDS = Set.of(
            "relops-local-only",
            "relops-audit-local",
            "relops-audit-maintainer-local",
            "postgres-local-only",
            "grafana-local-only");

    /** Every shipped local password ends so (the local Kubernetes overlay's {@code gateway-db-local-only}, …). */
    static final String EXAMPLE_PASSWORD_SUFFIX = "-local-only";

    /**
     * The public half of the event-signing key pair shipped for docker-compose and the local overlay ({@code
     * k8s/overlays/local/event-signing-key.pem}): its private half is in the repository, so anyone could sign an
     * approval a service trusting this key would act on.
     */
    static final Set<String> PUBLIC_KEYS = Set.of("MCowBQYDK2VwAyEAEIfPcgey2rhDFsIOa+lwOSORABfedXjDo7dGekzT5iA=");

    /** The SHA-256 of every example token. */
    static final Set<String> TOKEN_HASHES = Stream.of(
                    "operator", "approver", "auditor", "admin", "metrics", "timeline", "gateway", "ingest")
            .map(role -> ApiTokens.sha256Hex(role + EXAMPLE_TOKEN_SUFFIX))
            .collect(Collectors.toUnmodifiableSet());

    private ConfigurableEnvironment environment;

    @Override
    public void setEnvironment(Environment environment) {
        this.environment = (ConfigurableEnvironment) environment;
    }

    /** Whether the service runs for local use only. */
    public static boolean isLocal(Environment environment) {
        return environment.matchesProfiles("local")
                || Boolean.TRUE.equals(environment.getProperty(LOCAL, Boolean.class, false));
    }

    @Override
    public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
        check(environment);
    }

    /** Throws {@link UnsafeSetting} naming every setting that holds a shipped secret, unless for local use. */
    public static void check(ConfigurableEnvironment environment) {
        if (isLocal(environment)) {
            return;
        }
        List<String> settings = findIn(environment);
        if (!settings.isEmpty()) {
            throw new UnsafeSetting(
                    settings,
                    "relops refuses to start outside local use with a token or password it ships as an example,"
                            + " known to anyone who has read the repository; it is set in",
                    "Set each of these to a secret of your own (a token and its hash: ./relops token new --name NAME"
                            + " --role ROLE; docs/security.md, Known defaults). For local use only, run with"
                            + " ./relops up, the Spring profile 'local', or RELOPS_LOCAL=true.");
        }
    }

    /** The settings (property names and environment variables) that hold a shipped secret, sorted. */
    static List<String> findIn(ConfigurableEnvironment environment) {
        Set<String> found = new TreeSet<>();
        for (PropertySource<?> source : environment.getPropertySources()) {
            if (ConfigurationPropertySources.isAttachedConfigurationPropertySource(source)
                    || !(source instanceof EnumerablePropertySource<?> enumerable)) {
                continue;
            }
            for (String name : enumerable.getPropertyNames()) {
                if (holdsKnownSecret(environment, name)) {
                    found.add(name);
                }
            }
        }
        return List.copyOf(found);
    }

    private static boolean holdsKnownSecret(ConfigurableEnvironment environment, String name) {
        String key = name.toLowerCase(Locale.ROOT);
        boolean password = key.endsWith("password");
        boolean hash = key.endsWith("sha256");
        boolean token = key.contains("token");
        boolean publicKey =
                key.replace("-", "").replace("_", "").replace(".", "").contains("publickey");
        if (!password && !hash && !token && !publicKey) {
            return false;
        }
        String value;
        try {
            value = environment.getProperty(name);
        } catch (IllegalArgumentException unresolvable) {
            return false; // a placeholder without a value: nothing is set
        }
        if (value == null) {
            return false;
        }
        String v = value.strip();
        return (password && (PASSWORDS.contains(v) || v.endsWith(EXAMPLE_PASSWORD_SUFFIX)))
                || (publicKey && isShippedPublicKey(v))
                || (hash && TOKEN_HASHES.contains(v.toLowerCase(Locale.ROOT)))
                || (token && v.endsWith(EXAMPLE_TOKEN_SUFFIX));
    }

    /** Whether {@code value} is a shipped public key, however it is padded or wrapped (compared decoded). */
    static boolean isShippedPublicKey(String value) {
        byte[] decoded;
        try {
            decoded = Base64.getMimeDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return PUBLIC_KEYS.stream()
                .anyMatch(shipped -> Arrays.equals(Base64.getDecoder().decode(shipped), decoded));
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
