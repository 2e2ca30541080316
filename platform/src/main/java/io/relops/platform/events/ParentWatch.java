package io.relops.platform.events;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * When a launcher (the local suite) starts a service with {@code RELOPS_PARENT_PID}, the service
 * shuts down as soon as that process is gone, however it ended: no service outlives its launcher.
 */
class ParentWatch implements ApplicationListener<ApplicationReadyEvent> {

    private static final Logger log = LoggerFactory.getLogger(ParentWatch.class);

    @Override
    public void onApplicationEvent(ApplicationReadyEvent event) {
        String pid = System.getenv("RELOPS_PARENT_PID");
        if (pid == null || pid.isBlank()) {
            return;
        }
        ConfigurableApplicationContext context = event.getApplicationContext();
        ProcessHandle.of(Long.parseLong(pid.trim()))
                .ifPresentOrElse(
                        parent -> parent.onExit().thenRun(() -> {
                            log.info("launcher {} is gone: shutting down", pid);
                            System.exit(SpringApplication.exit(context));
                        }),
                        () -> System.exit(SpringApplication.exit(context)));
    }
}
