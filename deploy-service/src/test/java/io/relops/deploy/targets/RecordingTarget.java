package io.relops.deploy.targets;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.stereotype.Component;

/**
 * A deployment target for tests (type {@code recording}): instant, and it records every call, per
 * application, in memory shared by every application context of the JVM — so a test can assert the
 * target was invoked exactly once per step, across a restart of deploy-service. A version listed in
 * {@link #failing} fails to deploy.
 */
@Component
public class RecordingTarget implements DeploymentTarget {

    /** One call: {@code deploy blue 1.0.0}, {@code route blue=100}, {@code route blue=75,green=25}, {@code stop green}. */
    public record Call(String application, String call) {}

    private static final List<Call> CALLS = new CopyOnWriteArrayList<>();
    private static final Set<String> FAILING = ConcurrentHashMap.newKeySet();

    public static List<String> calls(String application) {
        List<String> calls = new ArrayList<>();
        for (Call call : CALLS) {
            if (call.application().equals(application)) {
                calls.add(call.call());
            }
        }
        return calls;
    }

    /** Versions whose deploy fails, as a broken image or a crashing process would. */
    public static Set<String> failing() {
        return FAILING;
    }

    @Override
    public String type() {
        return "recording";
    }

    @Override
    public List<String> slots(TargetContext context) {
        return List.of("blue", "green");
    }

    @Override
    public String deploy(TargetContext context, String slot, String version) {
        CALLS.add(new Call(context.application(), "deploy " + slot + " " + version));
        if (FAILING.contains(version)) {
            throw new DeploymentFailedException(version + " exited with code 1 before it was ready");
        }
        return "http://" + context.application() + "-" + slot + ".test";
    }

    @Override
    public Routed route(TargetContext context, Traffic traffic) {
        String split = traffic.canaryWeight() == 0
                ? traffic.stableSlot() + "=100"
                : traffic.stableSlot() + "=" + (100 - traffic.canaryWeight()) + "," + traffic.canarySlot() + "="
                        + traffic.canaryWeight();
        CALLS.add(new Call(context.application(), "route " + split));
        return Routed.exactly(type(), traffic);
    }

    @Override
    public void stop(TargetContext context, String slot) {
        CALLS.add(new Call(context.application(), "stop " + slot));
    }
}
