package io.relops.platform.redaction;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RedactionTest {

    private static final String SLACK = "https://hooks.slack.com/services/T000/B000/XXXXsecretXXXX";

    @Test
    void showsAUrlByItsSchemeAndHostOnly() {
        assertThat(Redaction.schemeAndHost(SLACK)).isEqualTo("https://hooks.slack.com/…");
        assertThat(Redaction.schemeAndHost("http://user:pw@deployer.internal:8443/deploy?token=abc"))
                .isEqualTo("http://deployer.internal:8443/…");
        assertThat(Redaction.schemeAndHost("http://localhost:9000")).isEqualTo("http://localhost:9000");
        assertThat(Redaction.schemeAndHost("not a url")).isEqualTo("<unparsable URL>");
        assertThat(Redaction.schemeAndHost(null)).isEqualTo("<no URL>");
    }

    @Test
    void removesEveryUrlsSecretPartsAndBearerTokensFromText() {
        String message = "POST " + SLACK + " failed: java.io.IOException: connect to (" + SLACK
                + ") refused; sent Authorization: Bearer abc.def-ghi";

        String redacted = Redaction.redact(message);

        assertThat(redacted)
                .doesNotContain("XXXXsecretXXXX", "services", "abc.def-ghi")
                .contains("POST https://hooks.slack.com/… failed", "(https://hooks.slack.com/…)", "Bearer <redacted>");
        assertThat(Redaction.redact(null)).isEmpty();
        assertThat(Redaction.redact("nothing secret here")).isEqualTo("nothing secret here");
    }
}
