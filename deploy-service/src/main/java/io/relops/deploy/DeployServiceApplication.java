package io.relops.deploy;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** deploy-service: orchestrates releases (strategies, deployment targets, traffic, rollback). */
@SpringBootApplication
@ConfigurationPropertiesScan
public class DeployServiceApplication {

    public static void main(String[] args) {
        SpringApplication.run(DeployServiceApplication.class, args);
    }
}
