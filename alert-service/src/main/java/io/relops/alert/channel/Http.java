package io.relops.alert.channel;

import io.relops.platform.redaction.Redaction;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.RestClient;

/** A POST whose 4xx answers (other than 408 and 429) are a refusal for good, everything else transient. */
final class Http {

    private Http() {}

    static void post(RestClient http, String url, MediaType type, byte[] body, Map<String, String> headers) {
        try {
            http.post()
                    .uri(url)
                    .contentType(type)
                    .headers(h -> headers.forEach(h::set))
                    .body(body)
                    .retrieve()
                    .toBodilessEntity();
        } catch (HttpClientErrorException e) {
            int status = e.getStatusCode().value();
            if (status == 408 || status == 429) {
                throw e;
            }
            // the URL may be the secret itself (a Slack webhook): scheme and host only
            throw new NotificationRejected(status + " from " + Redaction.schemeAndHost(url) + ": "
                    + Redaction.redact(e.getResponseBodyAsString()));
        }
    }
}
