package io.relops.deploy.targets.kubernetes;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.relops.deploy.catalog.DeployCatalog.KubernetesSpec;
import io.relops.deploy.targets.DeploymentFailedException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The pod template of a slot's Deployment, derived from a base template (the user's Deployment's, the catalog's
 * {@code pod-template}, or a bare one) by changing only what relops owns: the main container's image tag, the labels
 * {@code app}, {@code slot} and {@code app.kubernetes.io/managed-by}, the {@code relops.io/version} annotation, and
 * the catalog's {@code env} (which wins over a variable of the same name). Probes, resources, volumes, env from
 * secrets, {@code envFrom}, the service account, sidecars, init containers, security contexts and scheduling
 * constraints pass through untouched. Pure functions: no cluster.
 */
final class SlotTemplates {

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private SlotTemplates() {}

    /** The catalog's {@code pod-template} (a PodTemplateSpec as YAML or JSON text). */
    static PodTemplateSpec parse(String application, String text) {
        PodTemplateSpec template;
        try {
            template = SERIALIZATION.unmarshal(text, PodTemplateSpec.class);
        } catch (RuntimeException e) {
            throw new DeploymentFailedException(
                    application + ": target.kubernetes.pod-template is not a PodTemplateSpec: " + e.getMessage(), e);
        }
        if (template == null
                || template.getSpec() == null
                || template.getSpec().getContainers() == null
                || template.getSpec().getContainers().isEmpty()) {
            throw new DeploymentFailedException(application
                    + ": target.kubernetes.pod-template has no spec.containers (a PodTemplateSpec: metadata,"
                    + " spec)");
        }
        return template;
    }

    /** A template with one container named after the application, from the catalog's image, port and env. */
    static PodTemplateSpec bare(String application, KubernetesSpec spec) {
        return new PodTemplateSpecBuilder()
                .withNewSpec()
                .addNewContainer()
                .withName(application)
                .withImage(spec.image())
                .endContainer()
                .endSpec()
                .build();
    }

    /**
     * {@code base} for {@code version} on a slot: a copy of it with {@code labels} (relops' own, winning over the
     * template's), the version annotation, the main container's image {@code <repository>:<version>} (the repository is
     * the catalog's {@code image}, else the main container's image without its tag or digest) and the catalog's env.
     */
    static PodTemplateSpec forSlot(
            String application,
            PodTemplateSpec base,
            KubernetesSpec spec,
            Map<String, String> labels,
            String version,
            String source) {
        PodTemplateSpec template = SERIALIZATION.clone(base);
        ObjectMeta metadata = template.getMetadata() == null ? new ObjectMeta() : template.getMetadata();
        Map<String, String> allLabels = new LinkedHashMap<>();
        if (metadata.getLabels() != null) {
            allLabels.putAll(metadata.getLabels());
        }
        allLabels.putAll(labels);
        Map<String, String> annotations = new LinkedHashMap<>();
        if (metadata.getAnnotations() != null) {
            annotations.putAll(metadata.getAnnotations());
        }
        annotations.put(KubernetesTarget.VERSION_ANNOTATION, version);
        // only labels and annotations mean anything in a pod template's metadata
        template.setMetadata(new ObjectMetaBuilder()
                .withLabels(allLabels)
                .withAnnotations(annotations)
                .build());

        Container main = main(application, template, spec.container(), source);
        String repository = spec.image() != null && !spec.image().isBlank()
                ? spec.image()
                : main.getImage() == null ? null : repository(main.getImage());
        if (repository == null || repository.isBlank()) {
            throw new DeploymentFailedException(application + ": no image for the container " + main.getName() + " ("
                    + source + " gives none): set target.kubernetes.image");
        }
        main.setImage(repository + ":" + version);
        main.setEnv(withCatalogEnv(main.getEnv(), spec.env()));
        main.setPorts(withPort(application, main, spec.port(), source));
        return template;
    }

    /** The main container: the one named {@code name}, else the first. */
    static Container main(String application, PodTemplateSpec template, @Nullable String name, String source) {
        List<Container> containers = template.getSpec() == null
                ? List.of()
                : template.getSpec().getContainers() == null
                        ? List.of()
                        : template.getSpec().getContainers();
        if (containers.isEmpty()) {
            throw new DeploymentFailedException(application + ": " + source + " has no containers");
        }
        if (name == null || name.isBlank()) {
            return containers.get(0);
        }
        return containers.stream()
                .filter(c -> name.equals(c.getName()))
                .findFirst()
                .orElseThrow(() -> new DeploymentFailedException(application + ": target.kubernetes.container '" + name
                        + "' is not a container of " + source + " (containers: "
                        + containers.stream().map(Container::getName).toList() + ")"));
    }

    /**
     * An image reference without its tag and digest: {@code registry:5000/team/shop:1.2@sha256:…} is {@code
     * registry:5000/team/shop} (a colon before the last slash is a registry's port, not a tag).
     */
    static String repository(String image) {
        String reference = image;
        int digest = reference.indexOf('@');
        if (digest >= 0) {
            reference = reference.substring(0, digest);
        }
        int colon = reference.lastIndexOf(':');
        if (colon > reference.lastIndexOf('/')) {
            reference = reference.substring(0, colon);
        }
        return reference;
    }

    private static List<EnvVar> withCatalogEnv(@Nullable List<EnvVar> env, @Nullable Map<String, String> catalog) {
        List<EnvVar> result = new ArrayList<>(env == null ? List.of() : env);
        if (catalog != null) {
            new TreeMap<>(catalog).forEach((name, value) -> {
                EnvVar variable = new EnvVar(name, value, null);
                int index = indexOf(result, name);
                if (index >= 0) {
                    result.set(index, variable);
                } else {
                    result.add(variable);
                }
            });
        }
        return result;
    }

    private static int indexOf(List<EnvVar> env, String name) {
        for (int i = 0; i < env.size(); i++) {
            if (name.equals(env.get(i).getName())) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The main container's ports: as they are when one of them is the catalog's {@code port} (what the slot Services
     * send to), {@code http} = {@code port} when it declares none; a container that declares other ports only is a
     * mistake the catalog must fix (the Services would send to a port nothing listens on).
     */
    private static List<ContainerPort> withPort(String application, Container main, int port, String source) {
        List<ContainerPort> ports = main.getPorts() == null ? List.of() : main.getPorts();
        if (ports.isEmpty()) {
            return List.of(new ContainerPortBuilder()
                    .withName("http")
                    .withContainerPort(port)
                    .build());
        }
        if (ports.stream().noneMatch(p -> p.getContainerPort() != null && p.getContainerPort() == port)) {
            throw new DeploymentFailedException(application + ": the container " + main.getName() + " of " + source
                    + " declares the ports "
                    + ports.stream().map(ContainerPort::getContainerPort).toList()
                    + ", not target.kubernetes.port " + port + " (what the slot Services send to): set"
                    + " target.kubernetes.port to the port it serves on");
        }
        return ports;
    }
}
