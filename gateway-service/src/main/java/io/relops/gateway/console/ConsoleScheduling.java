package io.relops.gateway.console;

import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

/** Runs the {@link ReleaseFeed} poller. */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
class ConsoleScheduling {}
