package io.relops.deploy.targets.kubernetes;

import static io.relops.deploy.testing.KubernetesFixtures.NS;
import static io.relops.deploy.testing.KubernetesFixtures.context;
import static io.relops.deploy.testing.KubernetesFixtures.deployWhileMarkingReady;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPHeaderMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteSpec;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteSpecBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.relops.deploy.catalog.DeployCatalog;
import io.relops.deploy.catalog.DeployCatalog.MatchSpec;
import io.relops.deploy.targets.DeploymentFailedException;
import io.relops.deploy.targets.Routed;
import io.relops.deploy.targets.TargetContext;
import io.relops.deploy.targets.Traffic;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * Canary traffic on the kubernetes target: exact weights and header matches through the user's Gateway API
 * HTTPRoute and through ingress-nginx's canary Ingress, editing only what relops owns; the replica ratio's
 * approximation said.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesTrafficTest {

    private static final Map<String, String> GATEWAY_API = Map.of(
            "target.kubernetes.image", "registry.example.com/shop",
            "target.kubernetes.traffic", "gateway-api");
    private static final Map<String, String> INGRESS_NGINX = Map.of(
            "target.kubernetes.image", "registry.example.com/shop",
            "target.kubernetes.traffic", "ingress-nginx");

    KubernetesClient client;

    private KubernetesTarget target;

    @BeforeEach
    void setUp() {
        target = new KubernetesTarget(client);
    }

    @Test
    void gatewayApiWeightsOnlyTheBackendRefsRelopsOwnsAndAddsAHeaderMatchRuleFirst() {
        HTTPRoute user = client.resources(HTTPRoute.class)
                .inNamespace(NS)
                .resource(usersRoute())
                .create();
        TargetContext context = context(with(GATEWAY_API, "router.match.header", "X-Canary"));
        String blue = deployWhileMarkingReady(target, client, context, "blue", "1.0.0");
        String green = deployWhileMarkingReady(target, client, context, "green", "1.1.0");

        Routed routed = target.route(context, Traffic.split("blue", blue, "green", green, 25));
        target.route(context, Traffic.split("blue", blue, "green", green, 25));

        assertThat(routed.weights()).isEqualTo(Map.of("blue", 75, "green", 25));
        assertThat(routed.note()).isNull();
        HTTPRoute route = route();
        assertThat(route.getSpec().getHostnames()).isEqualTo(List.of("shop.example.com"));
        assertThat(route.getSpec().getParentRefs()).isEqualTo(user.getSpec().getParentRefs());
        List<HTTPRouteRule> rules = route.getSpec().getRules();
        assertThat(rules).hasSize(3);
        HTTPRouteRule match = rules.get(0);
        assertThat(match.getName()).isEqualTo("relops-canary-match");
        assertThat(match.getMatches()).hasSize(1);
        assertThat(match.getMatches().get(0).getPath().getValue()).isEqualTo("/api");
        assertThat(match.getMatches().get(0).getHeaders())
                .extracting(HTTPHeaderMatch::getType, HTTPHeaderMatch::getName, HTTPHeaderMatch::getValue)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("Exact", "X-Canary", "always"));
        assertThat(match.getFilters())
                .isEqualTo(user.getSpec().getRules().get(0).getFilters());
        assertThat(weights(match)).isEqualTo(Map.of("shop-green", 1));
        HTTPRouteRule api = rules.get(1);
        assertThat(api.getMatches()).isEqualTo(user.getSpec().getRules().get(0).getMatches());
        assertThat(api.getFilters()).isEqualTo(user.getSpec().getRules().get(0).getFilters());
        assertThat(weights(api)).isEqualTo(Map.of("shop-legacy", 10, "shop-blue", 75, "shop-green", 25));
        assertThat(rules.get(2))
                .as("the user's other rule")
                .isEqualTo(user.getSpec().getRules().get(1));

        target.route(context, Traffic.all("green", green));

        route = route();
        assertThat(route.getSpec().getRules()).hasSize(2);
        assertThat(weights(route.getSpec().getRules().get(0))).isEqualTo(Map.of("shop-legacy", 10, "shop-green", 100));
        assertThat(route.getSpec().getRules().get(1))
                .isEqualTo(user.getSpec().getRules().get(1));
        assertThat(route.getSpec().getHostnames()).isEqualTo(List.of("shop.example.com"));
    }

    @Test
    void aCanaryAtWeightZeroIsReachedByTheMatchingRequestsOnly() {
        client.resources(HTTPRoute.class).inNamespace(NS).resource(usersRoute()).create();
        TargetContext context = context(with(GATEWAY_API, "router.match.cookie", "canary"));
        String blue = deployWhileMarkingReady(target, client, context, "blue", "1.0.0");
        String green = deployWhileMarkingReady(target, client, context, "green", "1.1.0");

        Routed routed = target.route(context, Traffic.split("blue", blue, "green", green, 0));

        assertThat(routed.weights()).isEqualTo(Map.of("blue", 100));
        List<HTTPRouteRule> rules = route().getSpec().getRules();
        assertThat(weights(rules.get(0))).isEqualTo(Map.of("shop-green", 1));
        HTTPHeaderMatch cookie = rules.get(0).getMatches().get(0).getHeaders().get(0);
        assertThat(cookie.getType()).isEqualTo("RegularExpression");
        assertThat(cookie.getName()).isEqualTo("Cookie");
        Pattern pattern = Pattern.compile(cookie.getValue());
        assertThat(pattern.matcher("canary=always").matches()).isTrue();
        assertThat(pattern.matcher("session=abc; canary=always; theme=dark").matches())
                .isTrue();
        assertThat(pattern.matcher("canary=never").matches()).isFalse();
        assertThat(pattern.matcher("nocanary=always").matches()).isFalse();
        assertThat(weights(rules.get(1))).isEqualTo(Map.of("shop-legacy", 10, "shop-blue", 100));
    }

    @Test
    void theMatchRuleIsRemovedEvenWhereTheClustersGatewayApiDroppedItsName() {
        MatchSpec match = new MatchSpec("X-Canary", null, "always");
        HTTPRouteSpec created = new HTTPRouteSpecBuilder()
                .withRules(GatewayRoutes.created("shop", 8080, Map.of("blue", 90, "green", 10), "green", match))
                .build();
        created.getRules().get(0).setName(null); // a Gateway API before rule names prunes the field

        HTTPRouteSpec edited =
                GatewayRoutes.edited(created, "shop", 8080, Map.of("green", 100), null, match, "shop-prod/shop");

        assertThat(edited.getRules())
                .singleElement()
                .satisfies(rule -> assertThat(weights(rule)).isEqualTo(Map.of("shop-green", 100)));
    }

    @Test
    void gatewayApiAndIngressNginxGiveEveryFivePointStepExactly() {
        client.resources(HTTPRoute.class).inNamespace(NS).resource(usersRoute()).create();
        client.network()
                .v1()
                .ingresses()
                .inNamespace(NS)
                .resource(usersIngress())
                .create();
        TargetContext gateway = context(GATEWAY_API);
        TargetContext nginx = context(INGRESS_NGINX);
        String blue = deployWhileMarkingReady(target, client, gateway, "blue", "1.0.0");
        String green = deployWhileMarkingReady(target, client, gateway, "green", "1.1.0");

        for (int weight = 5; weight <= 100; weight += 5) {
            Traffic traffic =
                    weight == 100 ? Traffic.all("green", green) : Traffic.split("blue", blue, "green", green, weight);
            Map<String, Integer> expected = weight == 100
                    ? Map.of("shop-legacy", 10, "shop-green", 100)
                    : Map.of("shop-legacy", 10, "shop-blue", 100 - weight, "shop-green", weight);

            assertThat(target.route(gateway, traffic)).isEqualTo(Routed.exactly("kubernetes", traffic));
            assertThat(weights(route().getSpec().getRules().get(0)))
                    .as("HTTPRoute at %d%%", weight)
                    .isEqualTo(expected);

            assertThat(target.route(nginx, traffic)).isEqualTo(Routed.exactly("kubernetes", traffic));
            Ingress canary = ingress("shop-canary");
            if (weight == 100) {
                assertThat(canary).isNull();
            } else {
                assertThat(canary.getMetadata().getAnnotations())
                        .as("canary Ingress at %d%%", weight)
                        .containsEntry("nginx.ingress.kubernetes.io/canary-weight", Integer.toString(weight));
            }
        }
    }

    @Test
    void ingressNginxWritesACanaryIngressBesideTheUsersAndPointsTheirsAtTheStableSlot() {
        Ingress user = client.network()
                .v1()
                .ingresses()
                .inNamespace(NS)
                .resource(usersIngress())
                .create();
        TargetContext context =
                context(with(INGRESS_NGINX, "router.match.header", "X-Canary", "router.match.value", "qa"));
        String blue = deployWhileMarkingReady(target, client, context, "blue", "1.0.0");
        String green = deployWhileMarkingReady(target, client, context, "green", "1.1.0");

        target.route(context, Traffic.split("blue", blue, "green", green, 0));
        target.route(context, Traffic.split("blue", blue, "green", green, 25));

        Ingress main = ingress("shop");
        assertThat(main.getMetadata().getAnnotations())
                .isEqualTo(user.getMetadata().getAnnotations());
        assertThat(main.getSpec().getTls()).isEqualTo(user.getSpec().getTls());
        assertThat(main.getSpec().getIngressClassName()).isEqualTo("nginx");
        assertThat(main.getSpec().getRules().get(0).getHost()).isEqualTo("shop.example.com");
        assertThat(backends(main)).isEqualTo(Map.of("/", "shop-blue:8080", "/docs", "docs:80"));
        Ingress canary = ingress("shop-canary");
        assertThat(canary.getMetadata().getAnnotations())
                .isEqualTo(Map.of(
                        "nginx.ingress.kubernetes.io/canary", "true",
                        "nginx.ingress.kubernetes.io/canary-weight", "25",
                        "nginx.ingress.kubernetes.io/canary-by-header", "X-Canary",
                        "nginx.ingress.kubernetes.io/canary-by-header-value", "qa"));
        assertThat(canary.getSpec().getIngressClassName()).isEqualTo("nginx");
        assertThat(canary.getSpec().getRules().get(0).getHost()).isEqualTo("shop.example.com");
        assertThat(backends(canary)).isEqualTo(Map.of("/", "shop-green:8080"));

        target.route(context, Traffic.all("green", green));

        assertThat(ingress("shop-canary")).isNull();
        assertThat(backends(ingress("shop"))).isEqualTo(Map.of("/", "shop-green:8080", "/docs", "docs:80"));
    }

    @Test
    void theCanaryIngressTakesTheClassAnnotationOfTheUsersAndRefusesAnIngressWithoutClass() {
        Ingress annotated = new IngressBuilder(usersIngress())
                .editMetadata()
                .addToAnnotations("kubernetes.io/ingress.class", "nginx-internal")
                .endMetadata()
                .editSpec()
                .withIngressClassName(null)
                .endSpec()
                .build();
        client.network().v1().ingresses().inNamespace(NS).resource(annotated).create();
        TargetContext context = context(with(INGRESS_NGINX));
        String blue = deployWhileMarkingReady(target, client, context, "blue", "1.0.0");
        String green = deployWhileMarkingReady(target, client, context, "green", "1.1.0");

        target.route(context, Traffic.split("blue", blue, "green", green, 10));
        assertThat(ingress("shop-canary").getMetadata().getAnnotations())
                .containsEntry("kubernetes.io/ingress.class", "nginx-internal")
                .containsEntry("nginx.ingress.kubernetes.io/canary-weight", "10");

        client.network()
                .v1()
                .ingresses()
                .inNamespace(NS)
                .withName("shop")
                .edit(ingress -> new IngressBuilder(ingress)
                        .editMetadata()
                        .removeFromAnnotations("kubernetes.io/ingress.class")
                        .endMetadata()
                        .build());
        assertThatThrownBy(() -> target.route(context, Traffic.split("blue", blue, "green", green, 20)))
                .isInstanceOf(DeploymentFailedException.class)
                .hasMessageContaining("the Ingress shop-prod/shop has neither spec.ingressClassName nor the"
                        + " kubernetes.io/ingress.class annotation");
    }

    @Test
    void ingressNginxByCookieNeedsTheValueAlways() {
        client.network()
                .v1()
                .ingresses()
                .inNamespace(NS)
                .resource(usersIngress())
                .create();
        TargetContext context = context(with(INGRESS_NGINX, "router.match.cookie", "canary"));
        String blue = deployWhileMarkingReady(target, client, context, "blue", "1.0.0");
        String green = deployWhileMarkingReady(target, client, context, "green", "1.1.0");

        target.route(context, Traffic.split("blue", blue, "green", green, 10));
        assertThat(ingress("shop-canary").getMetadata().getAnnotations())
                .containsEntry("nginx.ingress.kubernetes.io/canary-by-cookie", "canary")
                .doesNotContainKey("nginx.ingress.kubernetes.io/canary-by-header");

        TargetContext other = context(with(INGRESS_NGINX, "router.match.cookie", "canary", "router.match.value", "qa"));
        assertThatThrownBy(() -> target.route(other, Traffic.split("blue", blue, "green", green, 10)))
                .isInstanceOf(DeploymentFailedException.class)
                .hasMessageContaining("router.match.cookie with ingress-nginx needs the value 'always'");
    }

    @Test
    void refusesToGuessWhenTheUsersRoutesSendToNoServiceRelopsOwns() {
        client.network()
                .v1()
                .ingresses()
                .inNamespace(NS)
                .resource(new IngressBuilder(usersIngress())
                        .editSpec()
                        .editFirstRule()
                        .editHttp()
                        .removeFromPaths(usersIngress()
                                .getSpec()
                                .getRules()
                                .get(0)
                                .getHttp()
                                .getPaths()
                                .get(0))
                        .endHttp()
                        .endRule()
                        .endSpec()
                        .build())
                .create();
        client.resources(HTTPRoute.class)
                .inNamespace(NS)
                .resource(new HTTPRouteBuilder(usersRoute())
                        .editSpec()
                        .removeFromRules(usersRoute().getSpec().getRules().get(0))
                        .endSpec()
                        .build())
                .create();
        TargetContext gateway = context(GATEWAY_API);
        String blue = deployWhileMarkingReady(target, client, gateway, "blue", "1.0.0");
        String green = deployWhileMarkingReady(target, client, gateway, "green", "1.1.0");

        assertThatThrownBy(() -> target.route(gateway, Traffic.split("blue", blue, "green", green, 5)))
                .isInstanceOf(DeploymentFailedException.class)
                .hasMessageContaining("the HTTPRoute shop-prod/shop exists but none of its rules sends to the Service");
        assertThatThrownBy(() -> target.route(context(INGRESS_NGINX), Traffic.split("blue", blue, "green", green, 5)))
                .isInstanceOf(DeploymentFailedException.class)
                .hasMessageContaining("the Ingress shop-prod/shop sends to none of the Services");
        assertThat(ingress("shop-canary")).isNull();
    }

    @Test
    void ingressNginxWithoutTheUsersIngressFailsNamingIt() {
        TargetContext context = context(INGRESS_NGINX);
        String blue = deployWhileMarkingReady(target, client, context, "blue", "1.0.0");
        String green = deployWhileMarkingReady(target, client, context, "green", "1.1.0");

        assertThatThrownBy(() -> target.route(context, Traffic.split("blue", blue, "green", green, 5)))
                .isInstanceOf(DeploymentFailedException.class)
                .hasMessageContaining("uses traffic: ingress-nginx, but the Ingress shop-prod/shop")
                .hasMessageContaining("does not exist");
    }

    @Test
    void theReplicaRatioSaysHowFarItIsFromTheWeightAsked() {
        TargetContext context = context(Map.of("target.kubernetes.image", "registry.example.com/shop"));
        String blue = deployWhileMarkingReady(target, client, context, "blue", "1.0.0");
        String green = deployWhileMarkingReady(target, client, context, "green", "1.1.0");

        Routed five = target.route(context, Traffic.split("blue", blue, "green", green, 5));
        Routed half = target.route(context, Traffic.split("blue", blue, "green", green, 50));

        assertThat(five.weights()).isEqualTo(Map.of("blue", 50, "green", 50));
        assertThat(five.note())
                .isEqualTo("approximate: 5% asked, 1 of 2 pods is 50% (45 points off; traffic: service splits by"
                        + " replicas)");
        assertThat(half.weights()).isEqualTo(Map.of("blue", 50, "green", 50));
        assertThat(half.note()).isNull();
        assertThat(client.services()
                        .inNamespace(NS)
                        .withName("shop")
                        .get()
                        .getSpec()
                        .getSelector())
                .as("both slots' pods, not the user's own")
                .isEqualTo(Map.of("app", "shop", "app.kubernetes.io/managed-by", "relops"));
    }

    @Test
    void warnsAtStartOfEveryEnvironmentWhoseCanaryIsSplitByReplicas() {
        Map<String, String> properties = new HashMap<>();
        String shop = "relops.applications.shop.";
        properties.put(shop + "target.type", "kubernetes");
        properties.put(shop + "target.kubernetes.image", "registry.example.com/shop");
        properties.put(shop + "target.kubernetes.replicas", "4");
        properties.put(shop + "router.match.header", "X-Canary");
        properties.put(shop + "environments.prod.approval.required", "true");
        properties.put(shop + "environments.staging.target.kubernetes.traffic", "gateway-api");
        properties.put("relops.applications.web.target.type", "kubernetes");
        properties.put("relops.applications.web.target.kubernetes.image", "registry.example.com/web");
        properties.put("relops.applications.web.target.kubernetes.traffic", "ingress-nginx");
        DeployCatalog catalog = DeployCatalog.of(new MapConfigurationPropertySource(properties));

        assertThat(new ReplicaRatioWarnings(catalog).warnings())
                .containsExactly("shop in prod: target.kubernetes.traffic: service splits a canary by replicas (4"
                        + " pods): canary steps 5% → 25%, 25% → 25%, 50% → 50%, 100% → 100% (up to 20 points off);"
                        + " traffic: gateway-api or ingress-nginx give exact weights; router.match is not applied"
                        + " (it needs gateway-api or ingress-nginx)");
    }

    private HTTPRoute route() {
        return client.resources(HTTPRoute.class)
                .inNamespace(NS)
                .withName("shop")
                .get();
    }

    private Ingress ingress(String name) {
        return client.network().v1().ingresses().inNamespace(NS).withName(name).get();
    }

    private static Map<String, String> with(Map<String, String> base, String... pairs) {
        Map<String, String> settings = new HashMap<>(base);
        for (int i = 0; i < pairs.length; i += 2) {
            settings.put(pairs[i], pairs[i + 1]);
        }
        return settings;
    }

    private static Map<String, Integer> weights(HTTPRouteRule rule) {
        Map<String, Integer> weights = new LinkedHashMap<>();
        for (HTTPBackendRef ref : rule.getBackendRefs()) {
            weights.put(ref.getName(), ref.getWeight() == null ? 1 : ref.getWeight());
        }
        return weights;
    }

    private static Map<String, String> backends(Ingress ingress) {
        Map<String, String> backends = new LinkedHashMap<>();
        for (HTTPIngressPath path :
                ingress.getSpec().getRules().get(0).getHttp().getPaths()) {
            backends.put(
                    path.getPath(),
                    path.getBackend().getService().getName() + ":"
                            + path.getBackend().getService().getPort().getNumber());
        }
        return backends;
    }

    /**
     * The user's route (as their chart writes it): a hostname, the Gateway, an {@code /api} rule with a filter that
     * sends to the stable Service {@code shop} and a legacy Service, and a {@code /static} rule of their own.
     */
    private static HTTPRoute usersRoute() {
        return new HTTPRouteBuilder()
                .withNewMetadata()
                .withName("shop")
                .withNamespace(NS)
                .endMetadata()
                .withNewSpec()
                .addNewParentRef()
                .withName("edge")
                .withNamespace("infra")
                .withSectionName("https")
                .endParentRef()
                .withHostnames("shop.example.com")
                .addNewRule()
                .addNewMatch()
                .withNewPath()
                .withType("PathPrefix")
                .withValue("/api")
                .endPath()
                .endMatch()
                .addNewFilter()
                .withType("RequestHeaderModifier")
                .withNewRequestHeaderModifier()
                .addNewSet()
                .withName("X-Team")
                .withValue("shop")
                .endSet()
                .endRequestHeaderModifier()
                .endFilter()
                .addNewBackendRef()
                .withName("shop")
                .withPort(8080)
                .endBackendRef()
                .addNewBackendRef()
                .withName("shop-legacy")
                .withPort(8080)
                .withWeight(10)
                .endBackendRef()
                .endRule()
                .addNewRule()
                .addNewMatch()
                .withNewPath()
                .withType("PathPrefix")
                .withValue("/static")
                .endPath()
                .endMatch()
                .addNewBackendRef()
                .withName("static-files")
                .withPort(80)
                .endBackendRef()
                .endRule()
                .endSpec()
                .build();
    }

    /** The user's Ingress: class nginx, TLS, {@code /} to the stable Service {@code shop}, {@code /docs} elsewhere. */
    private static Ingress usersIngress() {
        return new IngressBuilder()
                .withNewMetadata()
                .withName("shop")
                .withNamespace(NS)
                .withAnnotations(Map.of("nginx.ingress.kubernetes.io/proxy-body-size", "8m"))
                .endMetadata()
                .withNewSpec()
                .withIngressClassName("nginx")
                .addNewTl()
                .withHosts("shop.example.com")
                .withSecretName("shop-tls")
                .endTl()
                .addNewRule()
                .withHost("shop.example.com")
                .withNewHttp()
                .addNewPath()
                .withPath("/")
                .withPathType("Prefix")
                .withNewBackend()
                .withNewService()
                .withName("shop")
                .withNewPort()
                .withNumber(8080)
                .endPort()
                .endService()
                .endBackend()
                .endPath()
                .addNewPath()
                .withPath("/docs")
                .withPathType("Prefix")
                .withNewBackend()
                .withNewService()
                .withName("docs")
                .withNewPort()
                .withNumber(80)
                .endPort()
                .endService()
                .endBackend()
                .endPath()
                .endHttp()
                .endRule()
                .endSpec()
                .build();
    }
}
