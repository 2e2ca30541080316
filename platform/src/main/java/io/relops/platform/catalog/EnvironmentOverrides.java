package io.relops.platform.catalog;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName.Form;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;

/**
 * One application's properties ({@code relops.applications.<app>.*}) as one of its environments sees them: each
 * property the environment sets ({@code relops.applications.<app>.environments.<env>.*}) takes the place of the
 * application's property of the same name, so sections merge key by key; a list the environment sets (indexed
 * elements, or a comma-separated value) and a value it sets hide every application property under that name, so
 * lists and values replace. {@code environments} is passed through as the application declares it. An empty
 * section in the environment ({@code target: {}}) changes nothing; an empty list ({@code probes: []}) replaces
 * the application's list with none.
 *
 * <p>Values are the sources' raw values (placeholders are resolved by the binder) with their origins, so a binding
 * error names the catalog line of the environment's override.
 */
final class EnvironmentOverrides implements IterableConfigurationPropertySource {

    private static final String ENVIRONMENTS = "environments";

    private final List<ConfigurationPropertySource> sources;
    private final ConfigurationPropertyName application;
    private final ConfigurationPropertyName environment;
    private final ConfigurationPropertyName environments;
    /** Names (relative to the application) under which the environment replaces everything the application sets. */
    private final List<ConfigurationPropertyName> replaced = new ArrayList<>();
    /** Empty sections of the environment: not overrides. */
    private final Set<ConfigurationPropertyName> ignored = new LinkedHashSet<>();

    private final List<ConfigurationPropertyName> names;

    EnvironmentOverrides(
            Iterable<ConfigurationPropertySource> sources,
            ConfigurationPropertyName application,
            ConfigurationPropertyName environment) {
        this.sources = new ArrayList<>();
        sources.forEach(this.sources::add);
        this.application = application;
        this.environment = environment;
        this.environments = application.append(ENVIRONMENTS);
        Set<ConfigurationPropertyName> overridden = new LinkedHashSet<>();
        for (ConfigurationPropertyName name : names(environment)) {
            if (name.getNumberOfElements() > environment.getNumberOfElements()) {
                overridden.add(after(name, environment));
            }
        }
        for (ConfigurationPropertyName key : overridden) {
            if (isEmptySection(key)) {
                ignored.add(key);
                continue;
            }
            replaced.add(listOrValue(key));
        }
        Set<ConfigurationPropertyName> merged = new LinkedHashSet<>();
        for (ConfigurationPropertyName name : names(application)) {
            if (name.getNumberOfElements() == application.getNumberOfElements()) {
                continue;
            }
            ConfigurationPropertyName key = after(name, application);
            if (environments.equals(name)
                    || environments.isAncestorOf(name)
                    || !isReplaced(key)
                    || (overridden.contains(key) && !ignored.contains(key))) { // in the application's order
                merged.add(name);
            }
        }
        for (ConfigurationPropertyName key : overridden) {
            if (!ignored.contains(key)) {
                merged.add(application.append(key));
            }
        }
        this.names = List.copyOf(merged);
    }

    @Override
    public Stream<ConfigurationPropertyName> stream() {
        return names.stream();
    }

    @Override
    public @Nullable ConfigurationProperty getConfigurationProperty(ConfigurationPropertyName name) {
        if (!application.isAncestorOf(name)) {
            return null;
        }
        if (environments.equals(name) || environments.isAncestorOf(name)) {
            return find(name);
        }
        ConfigurationPropertyName key = after(name, application);
        if (!ignored.contains(key)) {
            ConfigurationProperty override = find(environment.append(key));
            if (override != null) {
                return new ConfigurationProperty(name, override.getValue(), override.getOrigin());
            }
        }
        return isReplaced(key) ? null : find(name);
    }

    @Override
    public Object getUnderlyingSource() {
        return sources;
    }

    /**
     * {@code name} without {@code prefix}: {@code target.process} for {@code relops.applications.demo-app.target.process}
     * ({@code ConfigurationPropertyName.subName} fails on some names the binder builds).
     */
    private static ConfigurationPropertyName after(ConfigurationPropertyName name, ConfigurationPropertyName prefix) {
        StringBuilder key = new StringBuilder();
        for (int i = prefix.getNumberOfElements(); i < name.getNumberOfElements(); i++) {
            String element = name.getElement(i, Form.ORIGINAL);
            if (name.isNumericIndex(i) || element.contains(".")) {
                key.append('[').append(element).append(']');
            } else {
                key.append(key.isEmpty() ? "" : ".").append(element);
            }
        }
        // adapted, not parsed: a map key keeps its form (env: {REGION: eu}), as in the property source
        return ConfigurationPropertyName.adapt(key, '.');
    }

    /** {@code key} itself, or the outermost list it is an element of ({@code canary.steps[1].weight}: the steps). */
    private static ConfigurationPropertyName listOrValue(ConfigurationPropertyName key) {
        for (int i = 1; i < key.getNumberOfElements(); i++) {
            if (key.isNumericIndex(i)) {
                return key.chop(i);
            }
        }
        return key;
    }

    private boolean isReplaced(ConfigurationPropertyName key) {
        for (ConfigurationPropertyName root : replaced) {
            if (root.equals(key) || root.isAncestorOf(key)) {
                return true;
            }
        }
        return false;
    }

    /** An empty value in the environment where the application has a section (not a list, not a value). */
    private boolean isEmptySection(ConfigurationPropertyName key) {
        ConfigurationProperty override = find(environment.append(key));
        if (override == null || !String.valueOf(override.getValue()).isEmpty()) {
            return false;
        }
        ConfigurationPropertyName own = application.append(key);
        if (find(own) != null) {
            return false;
        }
        return names(own).stream()
                .filter(name -> name.getNumberOfElements() > own.getNumberOfElements())
                .noneMatch(name -> name.isNumericIndex(own.getNumberOfElements()));
    }

    private @Nullable ConfigurationProperty find(ConfigurationPropertyName name) {
        for (ConfigurationPropertySource source : sources) {
            ConfigurationProperty property = source.getConfigurationProperty(name);
            if (property != null) {
                return property;
            }
        }
        return null;
    }

    /** The names of the iterable sources at or under {@code root}. */
    private List<ConfigurationPropertyName> names(ConfigurationPropertyName root) {
        List<ConfigurationPropertyName> found = new ArrayList<>();
        for (ConfigurationPropertySource source : sources) {
            if (source instanceof IterableConfigurationPropertySource iterable) {
                iterable.stream()
                        .filter(name -> root.equals(name) || root.isAncestorOf(name))
                        .forEach(found::add);
            }
        }
        return found;
    }
}
