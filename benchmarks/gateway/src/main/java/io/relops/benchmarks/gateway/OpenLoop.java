package io.relops.benchmarks.gateway;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * A constant arrival rate, with every latency measured from the request's <em>intended</em> send time (wrk2's model,
 * free of coordinated omission): request {@code i} is due at {@code start + i / rate}. A blocking call (an HTTP
 * request on a keep-alive connection) runs on one of {@code connections} threads, each owning every
 * {@code connections}-th slot of the schedule; a thread that is late sends its next due request at once, and the
 * time it was late is part of that request's latency, so a stall of the server is charged to every request it
 * delayed, not only to the few in flight. An asynchronous call (a {@code KafkaProducer} send) is issued by one
 * thread at each due time and completes on its own.
 *
 * <p>The schedule covers {@code seconds}; requests still due after it are sent for up to the same time again (the
 * backlog of a server that fell behind), and any left then are counted as not sent, with the time they had waited
 * recorded as their latency (a lower bound).
 */
final class OpenLoop {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final long HIGHEST_MICROS = TimeUnit.MINUTES.toMicros(10);

    /** One blocking request; returns normally when it was accepted. */
    interface Call {
        void run(long sequence) throws Exception;
    }

    /** One asynchronous request: calls {@code done} with null when it was accepted, else with the failure. */
    interface AsyncCall {
        void start(long sequence, Consumer<Throwable> done);
    }

    /**
     * What a phase did: requests due in the schedule, sent, accepted, failed and never sent; latencies in
     * microseconds from the intended send time (failures and unsent included); the time from the first due time to
     * the last answer; the CPU time of the client threads.
     */
    record Outcome(
            long due,
            long sent,
            long accepted,
            long errors,
            long unsent,
            Histogram micros,
            double seconds,
            double clientCpuSeconds) {

        /** Accepted requests per second, over the time until the last answer. */
        double acceptedRate() {
            return accepted / seconds;
        }

        double percentileMs(double percentile) {
            return micros.getValueAtPercentile(percentile) / 1000.0;
        }

        double maxMs() {
            return micros.getMaxValue() / 1000.0;
        }
    }

    private OpenLoop() {}

    static Outcome blocking(Call call, double rate, int seconds, int connections) throws InterruptedException {
        long due = Math.round(rate * seconds);
        long intervalNanos = Math.round(1e9 / rate);
        Recorder recorder = new Recorder(HIGHEST_MICROS, 3);
        AtomicLong sent = new AtomicLong();
        AtomicLong accepted = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicLong unsent = new AtomicLong();
        AtomicLong lastAnswer = new AtomicLong();
        AtomicLong clientCpu = new AtomicLong();
        CountDownLatch done = new CountDownLatch(connections);
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
        long giveUp = start + 2 * Duration.ofSeconds(seconds).toNanos();
        for (int c = 0; c < connections; c++) {
            int connection = c;
            Thread thread = new Thread(
                    () -> {
                        long cpuBefore = THREADS.getCurrentThreadCpuTime();
                        try {
                            for (long i = connection; i < due; i += connections) {
                                long intended = start + i * intervalNanos;
                                long now = waitUntil(intended);
                                if (now > giveUp) {
                                    long left = (due - 1 - i) / connections + 1;
                                    unsent.addAndGet(left);
                                    recorder.recordValueWithCount(micros(now - intended), left);
                                    break;
                                }
                                sent.incrementAndGet();
                                try {
                                    call.run(i);
                                    accepted.incrementAndGet();
                                } catch (Exception e) {
                                    errors.incrementAndGet();
                                }
                                long answered = System.nanoTime();
                                lastAnswer.accumulateAndGet(answered, Math::max);
                                recorder.recordValue(micros(answered - intended));
                            }
                        } finally {
                            clientCpu.addAndGet(THREADS.getCurrentThreadCpuTime() - cpuBefore);
                            done.countDown();
                        }
                    },
                    "bench-connection-" + c);
            thread.start();
        }
        done.await();
        return new Outcome(
                due,
                sent.get(),
                accepted.get(),
                errors.get(),
                unsent.get(),
                recorder.getIntervalHistogram(),
                Math.max(seconds, (lastAnswer.get() - start) / 1e9),
                clientCpu.get() / 1e9);
    }

    static Outcome async(AsyncCall call, double rate, int seconds) throws InterruptedException {
        long due = Math.round(rate * seconds);
        long intervalNanos = Math.round(1e9 / rate);
        Recorder recorder = new Recorder(HIGHEST_MICROS, 3);
        AtomicLong accepted = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicLong lastAnswer = new AtomicLong();
        CountDownLatch answered = new CountDownLatch((int) due);
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
        long cpuBefore = THREADS.getCurrentThreadCpuTime();
        long sent = 0;
        for (long i = 0; i < due; i++) {
            long intended = start + i * intervalNanos;
            waitUntil(intended);
            sent++;
            BiConsumer<Long, Throwable> complete = (at, failure) -> {
                (failure == null ? accepted : errors).incrementAndGet();
                lastAnswer.accumulateAndGet(at, Math::max);
                recorder.recordValue(micros(at - intended));
                answered.countDown();
            };
            call.start(i, failure -> complete.accept(System.nanoTime(), failure));
        }
        double clientCpu = (THREADS.getCurrentThreadCpuTime() - cpuBefore) / 1e9;
        long unsent = 0;
        if (!answered.await(2L * seconds, TimeUnit.SECONDS)) {
            unsent = answered.getCount();
        }
        return new Outcome(
                due,
                sent,
                accepted.get(),
                errors.get() + unsent,
                0,
                recorder.getIntervalHistogram(),
                Math.max(seconds, (lastAnswer.get() - start) / 1e9),
                clientCpu);
    }

    /** Parks until {@code deadline} (System.nanoTime()), returns the time it woke. */
    private static long waitUntil(long deadline) {
        long now;
        while ((now = System.nanoTime()) < deadline) {
            LockSupport.parkNanos(deadline - now);
        }
        return now;
    }

    private static long micros(long nanos) {
        return Math.min(HIGHEST_MICROS, Math.max(0, nanos / 1000));
    }
}
