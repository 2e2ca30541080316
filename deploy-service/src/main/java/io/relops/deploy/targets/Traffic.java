package io.relops.deploy.targets;

import org.jspecify.annotations.Nullable;

/**
 * How an application's traffic is split: {@code canaryWeight} percent to the canary slot, the rest
 * to the stable slot. Blue-green uses only {@link #all}: every request to one slot.
 */
public record Traffic(
        String stableSlot,
        String stableEndpoint,
        @Nullable String canarySlot,
        @Nullable String canaryEndpoint,
        int canaryWeight) {

    public Traffic {
        if (canaryWeight < 0 || canaryWeight > 100) {
            throw new IllegalArgumentException("canary weight must be 0..100, was " + canaryWeight);
        }
        if (canaryWeight > 0 && (canarySlot == null || canaryEndpoint == null)) {
            throw new IllegalArgumentException("a canary weight needs a canary slot and endpoint");
        }
    }

    /** Every request to {@code slot}. */
    public static Traffic all(String slot, String endpoint) {
        return new Traffic(slot, endpoint, null, null, 0);
    }

    /** {@code weight} percent to the canary, the rest to the stable slot. */
    public static Traffic split(
            String stableSlot, String stableEndpoint, String canarySlot, String canaryEndpoint, int weight) {
        return new Traffic(stableSlot, stableEndpoint, canarySlot, canaryEndpoint, weight);
    }

    /** The slot that gets every request when the canary weight is 100, else the stable one. */
    public String servingSlot() {
        return canaryWeight == 100 && canarySlot != null ? canarySlot : stableSlot;
    }
}
