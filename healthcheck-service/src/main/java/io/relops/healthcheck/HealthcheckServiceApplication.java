package io.relops.healthcheck;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** healthcheck-service: verification gates and health monitoring that decide rollbacks. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class HealthcheckServiceApplication {

    public static void main(String[] args) {
        SpringApplication.run(HealthcheckServiceApplication.class, args);
    }
}
