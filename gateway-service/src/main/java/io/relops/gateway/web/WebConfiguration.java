package io.relops.gateway.web;

import io.relops.platform.web.Problems;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/** The request size limit, after Spring Security (-100) and the rate limit (10). */
@Configuration(proxyBeanMethods = false)
class WebConfiguration {

    @Bean
    Problems problems(JsonMapper json) {
        return new Problems(json);
    }

    @Bean
    FilterRegistrationBean<RequestSizeLimit> requestSizeLimit(RequestSettings settings, Problems problems) {
        FilterRegistrationBean<RequestSizeLimit> registration = new FilterRegistrationBean<>(
                new RequestSizeLimit(settings.maxBodySize(), settings.alertsMaxBodySize(), problems));
        registration.setOrder(20);
        registration.addUrlPatterns("/api/*");
        return registration;
    }
}
