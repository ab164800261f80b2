package org.smtpmonitor.ui;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

import javafx.concurrent.Task;

/**
 * Runs a call to the store (file, database or socket work) on one of the window's
 * executors and hands its outcome back to the FX thread, which must never wait for I/O.
 */
final class BackgroundCall {

    /** A call that may fail. */
    @FunctionalInterface
    interface Call<T> {
        T call() throws Exception;
    }

    /** A call's result and how long the call took. */
    record Timed<T>(T value, long nanos) {
        static <T> Timed<T> of(Call<T> call) throws Exception {
            long start = System.nanoTime();
            T value = call.call();
            return new Timed<>(value, System.nanoTime() - start);
        }
    }

    private BackgroundCall() {
    }

    /** Runs {@code call} on {@code executor}; then, on the FX thread, {@code done} or {@code failed}. */
    static <T> void run(Executor executor, Call<T> call, Consumer<T> done, Consumer<Throwable> failed) {
        Task<T> task = new Task<>() {
            @Override
            protected T call() throws Exception {
                return call.call();
            }
        };
        task.setOnSucceeded(e -> done.accept(task.getValue()));
        task.setOnFailed(e -> failed.accept(task.getException()));
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            // The window is closing and its executors are shut down: nobody waits for the outcome.
        }
    }

    /** The reason to show for a failure: its message, or its kind when it has none. */
    static String reason(Throwable failure) {
        String message = failure.getMessage();
        return message == null || message.isBlank() ? failure.getClass().getSimpleName() : message;
    }
}
