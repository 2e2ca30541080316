package io.relops.deploy.targets.kubernetes;

import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPathBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBackend;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBackendBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRuleBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressSpec;
import io.relops.deploy.catalog.DeployCatalog.MatchSpec;
import io.relops.deploy.targets.DeploymentFailedException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * {@code traffic: ingress-nginx}: the user's Ingress {@code <app>} (host, paths, class, TLS) sends to the stable
 * slot's Service, and a canary Ingress {@code <app>-canary}, a copy of its host and paths, sends to the canary slot's
 * Service with ingress-nginx's canary annotations (an exact weight out of 100, and the catalog's {@code router.match}
 * as {@code canary-by-header} / {@code canary-by-cookie}). Only the backends relops owns (the Services {@code <app>},
 * {@code <app>-blue}, {@code <app>-green}) change in the user's Ingress. Pure functions: no cluster.
 */
final class NginxCanaryIngresses {

    static final String PREFIX = "nginx.ingress.kubernetes.io/";
    static final String CANARY = PREFIX + "canary";
    static final String CANARY_WEIGHT = PREFIX + "canary-weight";
    static final String CANARY_BY_HEADER = PREFIX + "canary-by-header";
    static final String CANARY_BY_HEADER_VALUE = PREFIX + "canary-by-header-value";
    static final String CANARY_BY_COOKIE = PREFIX + "canary-by-cookie";

    private NginxCanaryIngresses() {}

    static String canaryName(String application) {
        return application + "-canary";
    }

    /**
     * The user's Ingress spec with every backend relops owns sent to {@code service}.
     *
     * @throws DeploymentFailedException when none of its backends is a Service relops owns
     */
    static IngressSpec pointedAt(IngressSpec spec, String application, String service, int port, String ingress) {
        Set<String> owned = KubernetesTarget.ownedServices(application);
        if (!sendsTo(spec, owned)) {
            throw new DeploymentFailedException("the Ingress " + ingress + " sends to none of the Services "
                    + owned.stream().sorted().toList() + ": point the paths relops should route at the Service "
                    + application);
        }
        return edit(spec, owned, service, port, false);
    }

    /**
     * The canary Ingress: the user's class, hosts and the paths that send to a Service relops owns, all sent to the
     * canary slot's {@code service}, with ingress-nginx's canary annotations.
     */
    /** The legacy class annotation, still honoured by ingress-nginx beside {@code spec.ingressClassName}. */
    static final String INGRESS_CLASS = "kubernetes.io/ingress.class";

    static Ingress canary(
            Ingress user,
            String application,
            String namespace,
            String service,
            int port,
            int weight,
            @Nullable MatchSpec match) {
        Map<String, String> annotations = new LinkedHashMap<>();
        String userClass = user.getMetadata() == null || user.getMetadata().getAnnotations() == null
                ? null
                : user.getMetadata().getAnnotations().get(INGRESS_CLASS);
        if ((user.getSpec().getIngressClassName() == null
                        || user.getSpec().getIngressClassName().isBlank())
                && (userClass == null || userClass.isBlank())) {
            throw new DeploymentFailedException(application + ": the Ingress " + namespace + "/" + application
                    + " has neither spec.ingressClassName nor the " + INGRESS_CLASS + " annotation; ingress-nginx"
                    + " takes a canary Ingress only with the class of the Ingress it shadows, set one on it");
        }
        if (userClass != null && !userClass.isBlank()) {
            annotations.put(INGRESS_CLASS, userClass);
        }
        annotations.put(CANARY, "true");
        annotations.put(CANARY_WEIGHT, Integer.toString(weight));
        if (match != null && match.header() != null) {
            annotations.put(CANARY_BY_HEADER, match.header());
            annotations.put(CANARY_BY_HEADER_VALUE, match.value());
        } else if (match != null && match.cookie() != null) {
            if (!"always".equals(match.value())) {
                throw new DeploymentFailedException(application + ": router.match.cookie with ingress-nginx needs the"
                        + " value 'always' (ingress-nginx sends a request to the canary when the cookie is 'always'),"
                        + " not '" + match.value() + "'; use router.match.header for another value");
            }
            annotations.put(CANARY_BY_COOKIE, match.cookie());
        }
        IngressSpec spec = edit(user.getSpec(), KubernetesTarget.ownedServices(application), service, port, true);
        return new IngressBuilder()
                .withNewMetadata()
                .withName(canaryName(application))
                .withNamespace(namespace)
                .withLabels(
                        Map.of(KubernetesTarget.APP_LABEL, application, KubernetesTarget.MANAGED_BY_LABEL, "relops"))
                .withAnnotations(annotations)
                .endMetadata()
                .withSpec(spec)
                .build();
    }

    private static boolean sendsTo(IngressSpec spec, Set<String> owned) {
        if (isOwned(spec.getDefaultBackend(), owned)) {
            return true;
        }
        return spec.getRules() != null
                && spec.getRules().stream()
                        .filter(rule -> rule.getHttp() != null && rule.getHttp().getPaths() != null)
                        .flatMap(rule -> rule.getHttp().getPaths().stream())
                        .anyMatch(path -> isOwned(path.getBackend(), owned));
    }

    /**
     * {@code spec} with the backends relops owns sent to {@code service}; for the canary ({@code canaryOnly}) only the
     * class and the hosts and paths that send to a Service relops owns.
     */
    private static IngressSpec edit(IngressSpec spec, Set<String> owned, String service, int port, boolean canaryOnly) {
        IngressSpec copy = new IngressSpec();
        copy.setIngressClassName(spec.getIngressClassName());
        if (!canaryOnly) {
            copy.setTls(spec.getTls());
            spec.getAdditionalProperties().forEach(copy::setAdditionalProperty);
        }
        if (spec.getDefaultBackend() != null) {
            if (isOwned(spec.getDefaultBackend(), owned)) {
                copy.setDefaultBackend(backend(service, port));
            } else if (!canaryOnly) {
                copy.setDefaultBackend(spec.getDefaultBackend());
            }
        }
        List<IngressRule> rules = new ArrayList<>();
        for (IngressRule rule : spec.getRules() == null ? List.<IngressRule>of() : spec.getRules()) {
            if (rule.getHttp() == null || rule.getHttp().getPaths() == null) {
                if (!canaryOnly) {
                    rules.add(rule);
                }
                continue;
            }
            List<HTTPIngressPath> paths = new ArrayList<>();
            for (HTTPIngressPath path : rule.getHttp().getPaths()) {
                if (isOwned(path.getBackend(), owned)) {
                    paths.add(new HTTPIngressPathBuilder(path)
                            .withBackend(backend(service, port))
                            .build());
                } else if (!canaryOnly) {
                    paths.add(path);
                }
            }
            if (!paths.isEmpty()) {
                rules.add(new IngressRuleBuilder(rule)
                        .editHttp()
                        .withPaths(paths)
                        .endHttp()
                        .build());
            }
        }
        copy.setRules(rules);
        return copy;
    }

    private static boolean isOwned(@Nullable IngressBackend backend, Set<String> owned) {
        return backend != null
                && backend.getService() != null
                && owned.contains(backend.getService().getName());
    }

    private static IngressBackend backend(String service, int port) {
        return new IngressBackendBuilder()
                .withNewService()
                .withName(service)
                .withNewPort()
                .withNumber(port)
                .endPort()
                .endService()
                .build();
    }
}
