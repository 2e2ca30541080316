package io.relops.platform.catalog;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.PlaceholdersResolver;
import org.springframework.boot.context.properties.bind.PropertySourcesPlaceholdersResolver;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName.Form;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.core.env.Environment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * A service's own type for one application of the catalog ({@code relops.applications.<app>}), bound once for the
 * application and once for each of its environments ({@code relops.applications.<app>.environments.<env>}), with the
 * environment's overrides merged onto the application's settings: sections merge key by key, recursively; lists
 * and values replace. An environment's setting wins over the application's whatever its source (the catalog file,
 * an environment variable, a system property); relaxed names and {@code ${...}} placeholders work as in any
 * {@code @ConfigurationProperties}. {@code environments} is not merged: the effective settings carry it as the
 * application declares it (which environments exist, their approval and promotion).
 *
 * <p>{@link #effective(String, String)} answers for an environment the catalog does not declare (or none) with
 * the application's settings. The catalog is read once, when this is bound, as {@code @ConfigurationProperties}
 * are.
 *
 * @param <T> the service's type for one application (e.g. deploy-service's {@code ApplicationSpec})
 */
public final class EnvironmentCatalog<T> {

    /** Where the catalog's applications are. */
    public static final ConfigurationPropertyName APPLICATIONS = ConfigurationPropertyName.of("relops.applications");

    private static final String ENVIRONMENTS = "environments";

    private final Map<String, T> applications;
    private final Map<String, Map<String, T>> environments;

    private EnvironmentCatalog(Map<String, T> applications, Map<String, Map<String, T>> environments) {
        this.applications = applications;
        this.environments = environments;
    }

    /** Binds {@code type} for each application and environment of the catalog in the service's environment. */
    public static <T> EnvironmentCatalog<T> bind(Environment environment, Class<T> type) {
        return bind(
                ConfigurationPropertySources.get(environment),
                new PropertySourcesPlaceholdersResolver(environment),
                type);
    }

    /** Binds {@code type} from {@code sources} (highest precedence first), resolving placeholders with {@code placeholders}. */
    public static <T> EnvironmentCatalog<T> bind(
            Iterable<ConfigurationPropertySource> sources, PlaceholdersResolver placeholders, Class<T> type) {
        Map<String, T> applications = new LinkedHashMap<>();
        Map<String, Map<String, T>> environments = new LinkedHashMap<>();
        Binder binder = new Binder(sources, placeholders);
        keys(sources, APPLICATIONS).forEach((application, prefix) -> {
            applications.put(application, bind(binder, prefix, type, application, null));
            Map<String, T> byEnvironment = new LinkedHashMap<>();
            keys(sources, prefix.append(ENVIRONMENTS)).forEach((environment, overrides) -> {
                Binder merged = new Binder(List.of(new EnvironmentOverrides(sources, prefix, overrides)), placeholders);
                byEnvironment.put(environment, bind(merged, prefix, type, application, environment));
            });
            environments.put(application, Collections.unmodifiableMap(byEnvironment));
        });
        return new EnvironmentCatalog<>(
                Collections.unmodifiableMap(applications), Collections.unmodifiableMap(environments));
    }

    /** The applications of the catalog, in the order it names them. */
    public Set<String> applications() {
        return applications.keySet();
    }

    /** The application's own settings, without any environment's overrides. */
    public Optional<T> application(String application) {
        return Optional.ofNullable(applications.get(application));
    }

    /** The environments the catalog declares for {@code application}; empty for an unknown application. */
    public Set<String> environments(String application) {
        return environments.getOrDefault(application, Map.of()).keySet();
    }

    /**
     * The settings of {@code application} in {@code environment}: the environment's overrides merged onto the
     * application's settings; the application's settings when the catalog does not declare the environment (or it is
     * null). Empty for an application the catalog does not name.
     */
    public Optional<T> effective(String application, @Nullable String environment) {
        T declared = environment == null
                ? null
                : environments.getOrDefault(application, Map.of()).get(environment);
        return declared != null ? Optional.of(declared) : application(application);
    }

    private static <T> T bind(
            Binder binder,
            ConfigurationPropertyName prefix,
            Class<T> type,
            String application,
            @Nullable String environment) {
        try {
            return binder.bindOrCreate(prefix.toString(), Bindable.of(type));
        } catch (BindException e) {
            // the binder's message names the setting, its cause says what is wrong with it (a record's check)
            Throwable cause = NestedExceptionUtils.getMostSpecificCause(e);
            throw new IllegalStateException(
                    "catalog: application '" + application + "'"
                            + (environment == null ? "" : ", environment '" + environment + "'") + ": "
                            + e.getMessage() + (cause == e ? "" : ": " + cause.getMessage()),
                    e);
        }
    }

    /**
     * The map keys directly under {@code root}, each with its own prefix. A key is named as the catalog spells it:
     * an environment variable ({@code RELOPS_APPLICATIONS_DEMOAPP_...}) cannot spell {@code demo-app}, so it names a
     * key only when no other source does.
     */
    private static Map<String, ConfigurationPropertyName> keys(
            Iterable<ConfigurationPropertySource> sources, ConfigurationPropertyName root) {
        Map<String, ConfigurationPropertyName> keys = new LinkedHashMap<>();
        int depth = root.getNumberOfElements();
        for (boolean variables : new boolean[] {false, true}) {
            for (ConfigurationPropertySource source : sources) {
                if (source instanceof IterableConfigurationPropertySource iterable
                        && variables == source.getUnderlyingSource() instanceof SystemEnvironmentPropertySource) {
                    iterable.stream()
                            .filter(name -> name.getNumberOfElements() > depth && root.isAncestorOf(name))
                            .map(name -> name.chop(depth + 1))
                            .filter(prefix -> keys.values().stream().noneMatch(prefix::equals))
                            .forEach(prefix -> keys.put(prefix.getElement(depth, Form.ORIGINAL), prefix));
                }
            }
        }
        return keys;
    }
}
