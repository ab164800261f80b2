package org.smtpmonitor.ui;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javafx.animation.AnimationTimer;
import javafx.application.Application;
import javafx.stage.Stage;

import org.smtpmonitor.app.Settings;

/**
 * What the theme costs a cold start of the window. Each round starts one JVM per variant,
 * alternating, so that a loaded machine slows them alike; each opens the window (JavaFX
 * under Monocle, software rendering, an empty mailbox directory) and prints milliseconds:
 * wall time from its launch, and processor time, which a loaded machine disturbs less.
 * The variants:
 * <ul>
 * <li>{@code before}: the window without a theme (Modena), from the classes of a build before it;
 * <li>{@code before+primer.bss}: the same window with Primer Light set first, as JavaFX loads
 *     it by default (the {@code .bss} AtlantaFX ships beside the {@code .css});
 * <li>{@code before+primer.css}: the same, Primer parsed from its 170 KB of text ({@code -Dbinary.css=false});
 * <li>{@code after}: this build, which sets Primer's {@code .bss} before any control exists
 *     and styles with monitor.css's looked-up colours (remembering nothing, as the other benchmarks do);
 * <li>{@code after+prefs}: this build as the application runs it, reading its remembered place
 *     with {@code java.util.prefs} while the toolkit starts, from a preferences store under
 *     {@code target/} that the previous round's window wrote when it closed.
 * </ul>
 *
 * <pre>
 * git archive BASE | tar -x -C /tmp/base &amp;&amp; (cd /tmp/base &amp;&amp; mvn -q -o compile)
 * mvn -q -o test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/cp.txt
 * java -cp target/test-classes:target/classes:$(cat target/cp.txt) org.smtpmonitor.ui.ThemeColdStart /tmp/base/target/classes [ROUNDS]
 * </pre>
 */
public final class ThemeColdStart {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final List<String> VARIANTS = List.of("before", "before+primer.bss", "before+primer.css", "after",
            "after+prefs");
    private static final String[] FIGURES = {"toolkit up", "window shown", "first frame", "window built+drawn",
        "CPU show (CSS+layout)", "CPU theme set", "CPU FX thread", "CPU process"};

    private ThemeColdStart() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("--child")) {
            child(args[1]);
            return;
        }
        String before = Path.of(args[0]).toAbsolutePath().toString();
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        String after = Path.of(MainWindow.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        Map<String, List<long[]>> figures = new LinkedHashMap<>();
        String java = ProcessHandle.current().info().command().orElse("java");
        for (int round = 1; round <= rounds; round++) {
            for (String variant : VARIANTS) {
                String classes = variant.startsWith("before") ? before : after;
                List<String> classpath = new ArrayList<>();
                for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
                    classpath.add(Path.of(entry).toAbsolutePath().toString().equals(after) ? classes : entry);
                }
                List<String> command = new ArrayList<>(List.of(java, "-cp", String.join(File.pathSeparator, classpath)));
                if (variant.endsWith(".css")) {
                    command.add("-Dbinary.css=false");
                }
                if (variant.endsWith("+prefs")) {
                    command.add("-Djava.util.prefs.userRoot=" + Path.of("target", "theme-cold-start-prefs").toAbsolutePath());
                }
                command.addAll(List.of(ThemeColdStart.class.getName(), "--child", variant));
                Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
                String out = new String(process.getInputStream().readAllBytes()).trim();
                if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
                    throw new IllegalStateException(variant + ": the child failed: " + out);
                }
                String[] parts = out.substring(out.lastIndexOf('\n') + 1).split(" ");
                long[] times = new long[FIGURES.length];
                for (int i = 0; i < times.length; i++) {
                    times[i] = Long.parseLong(parts[i + 1]);
                }
                figures.computeIfAbsent(variant, v -> new ArrayList<>()).add(times);
                System.out.printf(Locale.ROOT, "round %d %-18s %s%n", round, variant, line(times));
            }
        }
        System.out.printf(Locale.ROOT, "medians of %d rounds, ms; wall from the JVM's launch: %s%n", rounds,
                String.join(", ", FIGURES));
        figures.forEach((variant, list) -> {
            long[] medians = new long[FIGURES.length];
            for (int i = 0; i < medians.length; i++) {
                int index = i;
                medians[i] = list.stream().mapToLong(times -> times[index]).sorted().skip(list.size() / 2).findFirst()
                        .orElse(-1);
            }
            System.out.printf(Locale.ROOT, "%-18s %s%n", variant, line(medians));
        });
    }

    private static String line(long[] times) {
        return String.format(Locale.ROOT, "wall %5d %5d %5d | %5d   CPU %4d %4d %5d %5d", times[0], times[1], times[2],
                times[3], times[4], times[5], times[6], times[7]);
    }

    private static void child(String variant) throws Exception {
        long launched = ManagementFactory.getRuntimeMXBean().getStartTime();
        Path work = Files.createTempDirectory("smtp-monitor-theme-bench");
        Path users = work.resolve("users.txt");
        Files.write(users, List.of("alice@example.com", "bob@example.com"));
        Settings settings = Settings.defaults().withPort(0).withMailboxDirectory(work.resolve("mail"));
        MonitorStart starting = MonitorStart.begin(users, settings);
        // As MonitorApp does: the preferences are read while the toolkit starts.
        Object desktop = variant.endsWith("+prefs") ? Remembering.desktop() : null;
        CompletableFuture<Long> started = starting.started.thenApply(s -> System.currentTimeMillis());
        HeadlessFx.start();
        long toolkit = System.currentTimeMillis() - launched;
        CompletableFuture<Long> shown = new CompletableFuture<>();
        CompletableFuture<Long> frame = new CompletableFuture<>();
        CompletableFuture<Long> themeCpu = new CompletableFuture<>();
        CompletableFuture<Long> fxCpu = new CompletableFuture<>();
        CompletableFuture<Long> processCpu = new CompletableFuture<>();
        // MainWindow.show() sets the scene, then shows the stage: showing, it applies the CSS and lays out.
        CompletableFuture<Long> sceneSet = new CompletableFuture<>();
        CompletableFuture<Long> showing = new CompletableFuture<>();
        Stage stage = HeadlessFx.fx(Stage::new);
        HeadlessFx.fx(() -> {
            stage.sceneProperty().addListener((o, old, scene) -> sceneSet.complete(THREADS.getCurrentThreadCpuTime()));
            stage.showingProperty().addListener((o, old, on) -> showing.complete(THREADS.getCurrentThreadCpuTime()));
            return null;
        });
        Launcher launcher = HeadlessFx.fx(() -> {
            long before = THREADS.getCurrentThreadCpuTime();
            if (variant.startsWith("before+")) {
                Application.setUserAgentStylesheet("/atlantafx/base/theme/primer-light.css");
            }
            themeCpu.complete(THREADS.getCurrentThreadCpuTime() - before);
            Launcher l = desktop != null ? Remembering.launcher(settings, desktop, stage)
                    : new Launcher(settings, owner -> null, owner -> null, stage, System.err);
            l.launch(starting);
            new AnimationTimer() {
                private int pulses;

                @Override
                public void handle(long now) {
                    if (!stage.isShowing()) {
                        return;
                    }
                    shown.complete(System.currentTimeMillis());
                    // The pulse after the one that drew the first frame.
                    if (++pulses == 2) {
                        frame.complete(System.currentTimeMillis());
                        fxCpu.complete(THREADS.getCurrentThreadCpuTime());
                        processCpu.complete(((com.sun.management.OperatingSystemMXBean)
                                ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime());
                        stop();
                    }
                }
            }.start();
            return l;
        });
        long shownAt = shown.get(60, TimeUnit.SECONDS) - launched;
        long frameAt = frame.get(60, TimeUnit.SECONDS) - launched;
        long builtAndDrawn = frameAt - Math.max(toolkit, started.get() - launched);
        System.out.println(variant + " " + toolkit + " " + shownAt + " " + frameAt + " " + builtAndDrawn + " "
                + (showing.get() - sceneSet.get()) / 1_000_000 + " " + themeCpu.get() / 1_000_000 + " "
                + fxCpu.get() / 1_000_000 + " " + processCpu.get() / 1_000_000);
        MainWindow window = launcher.window();
        HeadlessFx.fx(() -> {
            window.close();
            return null;
        });
        window.closed().get(60, TimeUnit.SECONDS);
        System.exit(0);
    }

    /** The classes of this build only: loaded for the variant that uses them, never for a build before. */
    private static final class Remembering {

        static Object desktop() {
            WindowDesktop desktop = new WindowDesktop(() -> java.util.prefs.Preferences.userRoot()
                    .node(WindowDesktop.USER_NODE), SystemTheme::guess, WindowDesktop::realScreens);
            desktop.load();
            return desktop;
        }

        static Launcher launcher(Settings settings, Object desktop, Stage stage) {
            return new Launcher(settings, owner -> null, owner -> null, (owner, name) -> null, (WindowDesktop) desktop,
                    stage, System.err);
        }
    }
}
