package org.smtpmonitor.ui;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import javafx.application.Platform;

/**
 * Starts JavaFX without a display (Monocle, software rendering), as the tests run it, for
 * the test-scope tools (load benchmark, screenshots) started with {@code exec:java}.
 */
final class HeadlessFx {

    private HeadlessFx() {
    }

    static void start() throws Exception {
        setIfUnset("glass.platform", "Monocle");
        setIfUnset("monocle.platform", "Headless");
        setIfUnset("prism.order", "sw");
        setIfUnset("prism.text", "t2k");
        setIfUnset("java.awt.headless", "true");
        setIfUnset("headless.geometry", "1280x800-32");
        CompletableFuture<Void> started = new CompletableFuture<>();
        Platform.startup(() -> started.complete(null));
        started.get(30, TimeUnit.SECONDS);
        Platform.setImplicitExit(false);
    }

    private static void setIfUnset(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    /**
     * Runs {@code callable} on the FX thread (at once when called there) and answers its result;
     * what it throws is thrown here, a runtime exception as itself.
     */
    static <T> T fx(Callable<T> callable) throws Exception {
        if (Platform.isFxApplicationThread()) {
            return callable.call();
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        Platform.runLater(() -> {
            try {
                result.complete(callable.call());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        try {
            return result.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw e;
        }
    }
}
