package io.relops.deploy.dora;

import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

/** The DORA gauges are recomputed on a schedule (Spring's scheduler; read-only, so on every replica). */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
class DoraConfiguration {}
