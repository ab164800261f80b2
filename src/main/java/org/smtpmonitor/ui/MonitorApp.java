package org.smtpmonitor.ui;

import java.nio.file.Path;

import org.smtpmonitor.app.Settings;

/** The window; being built (issue 3). Until then, headless mode is the way to run. */
public final class MonitorApp {

    private MonitorApp() {
    }

    public static int run(Path usersFile, Settings settings) {
        System.err.println("smtp-monitor: the window is not built yet; run with --headless");
        return 1;
    }
}
