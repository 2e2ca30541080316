package io.relops.platform.security;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** A service that refuses an unsafe setting says which setting, and what to set instead. */
public final class UnsafeSettingFailureAnalyzer extends AbstractFailureAnalyzer<UnsafeSetting> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, UnsafeSetting cause) {
        return new FailureAnalysis(String.valueOf(cause.getMessage()), cause.action(), cause);
    }
}
