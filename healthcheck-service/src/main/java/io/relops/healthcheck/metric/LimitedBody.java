package io.relops.healthcheck.metric;

import java.io.IOException;
import java.io.Serial;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpResponse.BodySubscribers;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import org.jspecify.annotations.Nullable;

/**
 * A response body read as bytes up to {@code limit}: a longer body is not read further (the subscription is
 * cancelled) and the body completes with {@link TooLarge}. Java 17's HttpClient has no limit of its own.
 */
final class LimitedBody implements BodySubscriber<byte[]> {

    private final BodySubscriber<byte[]> bytes = BodySubscribers.ofByteArray();
    private final CompletableFuture<byte[]> body = new CompletableFuture<>();
    private final long limit;
    private long received;
    private Flow.@Nullable Subscription subscription;

    LimitedBody(long limit) {
        this.limit = limit;
        bytes.getBody().whenComplete((read, failure) -> {
            if (failure != null) {
                body.completeExceptionally(failure);
            } else {
                body.complete(read);
            }
        });
    }

    @Override
    public CompletionStage<byte[]> getBody() {
        return body;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        bytes.onSubscribe(subscription);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
        if (body.isDone()) {
            return;
        }
        for (ByteBuffer item : items) {
            received += item.remaining();
        }
        if (received > limit) {
            if (subscription != null) {
                subscription.cancel();
            }
            body.completeExceptionally(new TooLarge(limit));
            return;
        }
        bytes.onNext(items);
    }

    @Override
    public void onError(Throwable failure) {
        bytes.onError(failure);
    }

    @Override
    public void onComplete() {
        bytes.onComplete();
    }

    /** The body was longer than the limit. */
    static final class TooLarge extends IOException {
        @Serial
        private static final long serialVersionUID = 1L;

        TooLarge(long limit) {
            super("the body is longer than " + limit + " bytes");
        }
    }
}
