package io.relops.testkit;

import org.testcontainers.DockerClientFactory;

/** Whether Testcontainers can start containers here (a Docker engine answers). */
final class Docker {

    private static volatile Boolean available;

    private Docker() {}

    static boolean available() {
        if (available == null) {
            boolean answer;
            try {
                answer = !"false".equalsIgnoreCase(System.getenv("RELOPS_TEST_DOCKER"))
                        && DockerClientFactory.instance().isDockerAvailable();
            } catch (RuntimeException | LinkageError e) {
                answer = false;
            }
            available = answer;
        }
        return available;
    }
}
