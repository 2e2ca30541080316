package io.relops.platform.web;

import jakarta.servlet.DispatcherType;
import org.apache.catalina.Pipeline;
import org.apache.catalina.Valve;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterProperties;
import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.error.ErrorMvcAutoConfiguration;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every error of a relops HTTP API is {@code application/problem+json}: MVC's own exceptions through {@link
 * ProblemResponses} (a service's subclass, else {@link DefaultProblemResponses}), everything else through the
 * {@code /error} page ({@link ProblemErrorController}). Nothing reads a request's body before authentication:
 * {@code relops-platform.yml} turns Spring's form-content filter off.
 */
@AutoConfiguration(before = {WebMvcAutoConfiguration.class, ErrorMvcAutoConfiguration.class})
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(DispatcherServlet.class)
public class RelopsWebAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(ErrorController.class)
    ProblemErrorController relopsProblemErrorController(JsonMapper json) {
        return new ProblemErrorController(json);
    }

    /** After Spring Security's filters (which answer 401/403 first), before anything reads the request. */
    @Bean
    FilterRegistrationBean<RequestMediaTypes> relopsRequestMediaTypes(JsonMapper json) {
        FilterRegistrationBean<RequestMediaTypes> registration =
                new FilterRegistrationBean<>(new RequestMediaTypes(new Problems(json)));
        registration.setOrder(SecurityFilterProperties.DEFAULT_FILTER_ORDER + 1);
        registration.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ERROR);
        return registration;
    }

    /** Tomcat's own error answers (before a request reaches Spring) as problem+json. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.apache.catalina.startup.Tomcat")
    static class TomcatErrorReport {

        @Bean
        static WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory> relopsProblemErrorReport(
                ObjectProvider<JsonMapper> json) {
            return new ProblemErrorReport(json);
        }
    }

    /** Replaces the host's error report valve (Spring Boot's, without details) by {@link ProblemErrorReportValve}. */
    static final class ProblemErrorReport
            implements WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory>, Ordered {

        private final ObjectProvider<JsonMapper> json;

        ProblemErrorReport(ObjectProvider<JsonMapper> json) {
            this.json = json;
        }

        @Override
        public void customize(ConfigurableTomcatWebServerFactory factory) {
            factory.addContextCustomizers(context -> {
                Pipeline pipeline = context.getParent().getPipeline();
                for (Valve valve : pipeline.getValves()) {
                    if (valve instanceof ErrorReportValve) {
                        pipeline.removeValve(valve);
                    }
                }
                pipeline.addValve(new ProblemErrorReportValve(json.getObject()));
                if (context.getParent() instanceof StandardHost host) {
                    // the host adds a valve of this class at start unless one is there
                    host.setErrorReportValveClass(ProblemErrorReportValve.class.getName());
                }
            });
        }

        /** After Spring Boot's customizer, which adds its own valve. */
        @Override
        public int getOrder() {
            return Ordered.LOWEST_PRECEDENCE;
        }
    }

    @Bean
    @ConditionalOnMissingBean(ResponseEntityExceptionHandler.class)
    DefaultProblemResponses relopsDefaultProblemResponses() {
        return new DefaultProblemResponses();
    }
}
