package io.relops.platform.security;

import java.util.List;

/**
 * A setting that would make a service unsafe to run: a JWT issuer without an audience, or a shipped
 * example token or password outside local use. The service refuses to start and says which setting
 * to change ({@link UnsafeSettingFailureAnalyzer}).
 */
public class UnsafeSetting extends RuntimeException {

    private final List<String> settings;
    private final String action;

    /**
     * @param settings the settings to change, as property names (and environment variables)
     * @param problem what is wrong with them
     * @param action what to do instead
     */
    public UnsafeSetting(List<String> settings, String problem, String action) {
        super(problem + ": " + String.join(", ", settings));
        this.settings = List.copyOf(settings);
        this.action = action;
    }

    public List<String> settings() {
        return settings;
    }

    public String action() {
        return action;
    }
}
