package io.relops.deploy.release;

import org.springframework.stereotype.Component;

/** Wakes the {@link TaskRunner} when a transaction that added a task commits, instead of waiting for its poll. */
@Component
class TaskWakeUp implements Runnable {

    private volatile Runnable onWake = () -> {};

    void onWake(Runnable action) {
        this.onWake = action;
    }

    @Override
    public void run() {
        onWake.run();
    }
}
