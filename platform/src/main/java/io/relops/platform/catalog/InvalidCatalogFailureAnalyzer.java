package io.relops.platform.catalog;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** A service that stops on its catalog says so in one block: each problem, and what to do. */
public final class InvalidCatalogFailureAnalyzer extends AbstractFailureAnalyzer<InvalidCatalogException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidCatalogException cause) {
        return new FailureAnalysis(
                String.join("\n", cause.problems()),
                "Correct the application catalog " + cause.file() + " (RELOPS_CATALOG; its keys: the JSON Schema"
                        + " catalog.schema.json in relops-platform, docs/deploy-service.md, Catalog keys).",
                cause);
    }
}
