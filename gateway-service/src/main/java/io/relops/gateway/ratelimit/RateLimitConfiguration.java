package io.relops.gateway.ratelimit;

import io.micrometer.core.instrument.MeterRegistry;
import io.relops.platform.web.Problems;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The rate limit per principal, right after Spring Security (-100), before any body is read. */
@Configuration(proxyBeanMethods = false)
class RateLimitConfiguration {

    @Bean
    FilterRegistrationBean<PrincipalRateLimit> principalRateLimit(
            RateLimitSettings settings, MeterRegistry meterRegistry, Problems problems) {
        FilterRegistrationBean<PrincipalRateLimit> registration =
                new FilterRegistrationBean<>(new PrincipalRateLimit(settings, meterRegistry, problems));
        registration.setOrder(10);
        registration.addUrlPatterns("/api/*");
        return registration;
    }
}
