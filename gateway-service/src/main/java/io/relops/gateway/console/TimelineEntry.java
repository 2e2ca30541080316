package io.relops.gateway.console;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One event of a release's timeline, in words. */
public record TimelineEntry(String time, String type, String source, String detail) {

    private static final List<String> SHOWN = List.of(
            "requestedBy",
            "approvedBy",
            "rejectedBy",
            "version",
            "restoredVersion",
            "failedVersion",
            "slot",
            "step",
            "weight",
            "router",
            "note",
            "receiver",
            "summary",
            "reason",
            "comment");

    static TimelineEntry of(Map<String, Object> event) {
        List<String> parts = new ArrayList<>();
        if (event.get("data") instanceof Map<?, ?> data) {
            for (String key : SHOWN) {
                Object value = data.get(key);
                if (value != null && !String.valueOf(value).isBlank()) {
                    parts.add(key + ": " + value);
                }
            }
        }
        String type = ReleaseView.text(event.get("type"));
        return new TimelineEntry(
                ReleaseView.clock(event.get("time")),
                type.startsWith("io.relops.") ? type.substring("io.relops.".length()) : type,
                ReleaseView.text(event.get("source")).replace("/relops/", ""),
                String.join(" · ", parts));
    }
}
