package io.relops.deploy.target;

import io.relops.deploy.catalog.DeployCatalog.ApplicationSpec;
import java.util.List;

/**
 * Where an application's versions run. Implementations: {@code process} (local OS processes, the
 * local default); {@code kubernetes} and {@code webhook} come with the deploy issue. A target never
 * takes a command or URL from a request: only the catalog and a validated version string.
 */
public interface DeploymentTarget {

    /** The catalog's {@code target.type} this implementation serves. */
    String type();

    /** The application's slots, in the order they are used. */
    List<String> slots(String application, ApplicationSpec spec);

    /**
     * Runs {@code version} on {@code slot} (replacing whatever ran there) and returns once it
     * accepts connections.
     *
     * @return the slot's base URL
     * @throws DeploymentFailedException naming what went wrong
     */
    String deploy(String application, ApplicationSpec spec, String slot, String version);

    /** Sends all of the application's traffic to {@code slot}. */
    void routeAllTraffic(String application, ApplicationSpec spec, String slot, String endpoint);

    /** Stops what runs on {@code slot}; no-op when nothing does. */
    void stop(String application, ApplicationSpec spec, String slot);
}
