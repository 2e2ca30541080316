package io.relops.common.release;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Optional;

/** How a release moves traffic to its new version; {@link #wireName()} is the name in the catalog, API and events. */
public enum Strategy {
    /** All traffic switches at once, after the new slot is verified. */
    BLUE_GREEN("blue-green"),
    /** Traffic moves step by step, each step verified. */
    CANARY("canary");

    private final String wireName;

    Strategy(String wireName) {
        this.wireName = wireName;
    }

    /** Also the JSON form of a strategy, wherever a record that holds one is written or read. */
    @JsonValue
    public String wireName() {
        return wireName;
    }

    @JsonCreator
    static Strategy fromJson(String name) {
        return of(name).orElseThrow(() -> new IllegalArgumentException("unknown strategy '" + name + "' ("
                + Arrays.stream(values()).map(Strategy::wireName).toList() + ")"));
    }

    /** The strategy named {@code name} in the catalog, an API request or an event, if there is one. */
    public static Optional<Strategy> of(String name) {
        return Arrays.stream(values()).filter(s -> s.wireName.equals(name)).findFirst();
    }

    @Override
    public String toString() {
        return wireName;
    }
}
