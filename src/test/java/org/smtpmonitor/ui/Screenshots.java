package org.smtpmonitor.ui;

import java.awt.image.BufferedImage;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.Base64;
import java.util.List;
import java.util.function.BooleanSupplier;

import javafx.scene.Scene;
import javafx.scene.control.ListView;
import javafx.scene.control.TableView;
import javafx.scene.image.PixelReader;
import javafx.scene.image.WritableImage;
import javafx.stage.Stage;
import javafx.stage.Window;

import javax.imageio.ImageIO;

import org.smtpmonitor.app.HttpSettings;
import org.smtpmonitor.app.ReleaseTarget;
import org.smtpmonitor.app.Settings;
import org.smtpmonitor.client.AuthMechanism;
import org.smtpmonitor.client.Credentials;
import org.smtpmonitor.client.MessageSender;
import org.smtpmonitor.client.OutgoingMessage;
import org.smtpmonitor.client.Security;
import org.smtpmonitor.client.ServerTrust;
import org.smtpmonitor.client.SessionSetup;
import org.smtpmonitor.client.SmtpConnection;
import org.smtpmonitor.client.TlsClient;
import org.smtpmonitor.client.TlsMode;
import org.smtpmonitor.mailbox.MailboxFormat;
import org.smtpmonitor.smtp.AuthMode;
import org.smtpmonitor.smtp.AuthPolicy;
import org.smtpmonitor.testing.Await;
import org.smtpmonitor.testing.RawSmtpClient;
import org.smtpmonitor.testing.TestMonitor;

/**
 * Regenerates {@code screenshots/*.png} from the real application with real SMTP traffic,
 * headless (Monocle): the main window with a live session (with replies in error), a session
 * over STARTTLS with AUTH (its padlock) and a message selected, the same in the dark theme, the inspector's HTML, attachments and headers
 * tabs ({@link InspectorShots}), a session whose client the check warned about, the scripted
 * failure rules' window after a rule applied, a message released to a second smtp-monitor
 * (the Release… dialog with its outcome), and the error dialog for a bad users file. The HTTP
 * API is on, so the status bar shows its address and Copy curl.
 *
 * <pre>mvn -B -ntp test-compile exec:java -Dexec.mainClass=org.smtpmonitor.ui.Screenshots -Dexec.classpathScope=test</pre>
 */
public final class Screenshots {

    private Screenshots() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "screenshots");
        Files.createDirectories(out);
        HeadlessFx.start();
        Path work = Files.createTempDirectory("smtp-monitor-shots");
        Path users = work.resolve("users.txt");
        Files.write(users, List.of("# The team", "alice@example.com", "bob@example.com", "carol@example.com",
                "dave@example.com"));
        Path rules = work.resolve("rules.txt");
        Files.writeString(rules, String.join("\n",
                "# The third RCPT of every session is refused for now.",
                "[rcpt-452]",
                "on = rcpt",
                "nth = 3",
                "reply = 452 4.5.3 Too many recipients",
                "",
                "# Mail to dave takes five seconds to be acknowledged.",
                "[slow-dave]",
                "on = data-end",
                "address = dave@*",
                "delay = 5000",
                "",
                "# Session 9 loses its connection at DATA.",
                "[drop-in-data]",
                "on = data",
                "session = 9",
                "close = before",
                "enabled = no",
                ""));
        Settings settings = TestMonitor.settings(work.resolve("mail"), MailboxFormat.MBOX)
                .withAuth(AuthPolicy.of(AuthMode.ANY, false, false)).withRulesFile(rules)
                .withHttp(new HttpSettings(0, null));

        Launcher launcher = HeadlessFx.fx(() -> {
            Launcher l = new Launcher(settings, owner -> null, owner -> null, new Stage(), System.err);
            l.launch(users);
            return l;
        });
        await(() -> launcher.window() != null);
        MainWindow window = launcher.window();
        InetSocketAddress server = TestMonitor.address(window.monitor());

        sendTraffic(server);
        sendOverTls(server);
        sendSloppily(server);
        RawSmtpClient live = RawSmtpClient.connectGreeted(server);
        live.command("EHLO laptop.test.org");
        live.command("MAIL FROM:<eve@test.org>");
        live.command("RCPT TO:<mallory@example.com>");
        live.command("BLAH");
        live.command("RCPT TO:<bob@example.com>");
        live.command("DATA");
        live.command(("From: Eve <eve@test.org>\r\nTo: bob@example.com\r\nSubject: =?UTF-8?Q?R=C3=A9sum=C3=A9_attached?=\r\n"
                + "Date: Tue, 24 Nov 2026 09:14:02 +0000\r\nMessage-ID: <cv-2026@test.org>\r\n\r\nHi Bob,\r\nsee attached.\r\n."));
        live.command("NOOP");

        await(() -> window.model().deliveredProperty().get() == 7 && window.model().openSessionsProperty().get() == 1);
        HeadlessFx.fx(() -> {
            @SuppressWarnings("unchecked")
            TableView<SessionRow> sessions = (TableView<SessionRow>) window.stage().getScene().lookup("#sessionsTable");
            sessions.getSelectionModel().select(0);
            @SuppressWarnings("unchecked")
            TableView<MailboxRow> mailboxes = (TableView<MailboxRow>) window.stage().getScene().lookup("#mailboxesTable");
            mailboxes.getSelectionModel().select(1);
            return null;
        });
        await(() -> window.stage().getScene().lookup("#messagesTable") instanceof TableView<?> t && t.getItems().size() == 4);
        HeadlessFx.fx(() -> {
            ((TableView<?>) window.stage().getScene().lookup("#messagesTable")).getSelectionModel().select(0);
            ((ListView<?>) window.stage().getScene().lookup("#transcriptList")).requestFocus();
            return null;
        });
        Thread.sleep(1500);
        snapshot(window.stage().getScene(), out.resolve("main-window.png"));

        // The same window in the dark theme, switched as the user does, then back.
        HeadlessFx.fx(() -> {
            ((javafx.scene.control.ToggleButton) window.stage().getScene().lookup("#themeToggle")).fire();
            return null;
        });
        Thread.sleep(500);
        snapshot(window.stage().getScene(), out.resolve("dark-theme.png"));
        HeadlessFx.fx(() -> {
            ((javafx.scene.control.ToggleButton) window.stage().getScene().lookup("#themeToggle")).fire();
            return null;
        });

        // The session whose client the check warned about, its transcript shown.
        HeadlessFx.fx(() -> {
            @SuppressWarnings("unchecked")
            TableView<SessionRow> sessions = (TableView<SessionRow>) window.stage().getScene().lookup("#sessionsTable");
            sessions.getSelectionModel().select(sessions.getItems().stream()
                    .filter(row -> row.warnedProperty().get()).findFirst().orElseThrow());
            ((ListView<?>) window.stage().getScene().lookup("#transcriptList")).requestFocus();
            return null;
        });
        Thread.sleep(1000);
        snapshot(window.stage().getScene(), out.resolve("client-warnings.png"));

        // The rules' window, opened as the user does, after rcpt-452 applied.
        HeadlessFx.fx(() -> {
            ((javafx.scene.control.Button) window.stage().getScene().lookup("#rulesButton")).fire();
            return null;
        });
        await(() -> window.rulesWindow() != null && window.rulesWindow().stage().isShowing());
        Thread.sleep(800);
        snapshot(window.rulesWindow().stage().getScene(), out.resolve("rules-editor.png"));
        HeadlessFx.fx(() -> {
            window.rulesWindow().stage().hide();
            return null;
        });

        InspectorShots.write(window, out);
        releaseShot(window, work, out);

        // The error dialog, for a users file with a bad line.
        Path bad = work.resolve("users-with-typo.txt");
        Files.write(bad, List.of("alice@example.com", "bob@example.com", "carol@@example.com"));
        Launcher failing = HeadlessFx.fx(() -> {
            Launcher l = new Launcher(settings.withPort(0), owner -> null, owner -> null, new Stage(),
                    new PrintStream(PrintStream.nullOutputStream(), true, StandardCharsets.UTF_8));
            l.launch(bad);
            return l;
        });
        await(() -> Window.getWindows().stream().anyMatch(w -> w.getScene() != null
                && w.getScene().lookup("#startup-error") != null && w.isShowing()));
        Thread.sleep(500);
        Scene dialog = HeadlessFx.fx(() -> Window.getWindows().stream()
                .filter(w -> w.getScene() != null && w.getScene().lookup("#startup-error") != null)
                .findFirst().orElseThrow().getScene());
        snapshot(dialog, out.resolve("startup-error.png"));

        live.command("QUIT");
        live.close();
        HeadlessFx.fx(() -> {
            window.close();
            return null;
        });
        window.closed().get();
        System.out.println("Wrote main-window.png, dark-theme.png, client-warnings.png, rules-editor.png, "
                + "inspector-html.png, inspector-attachments.png, inspector-headers.png, release.png and startup-error.png in "
                + out);
        System.exit(0);
    }

    /**
     * Release… of bob's newest message to a second smtp-monitor, over STARTTLS with AUTH, to
     * carol: the dialog with its outcome.
     */
    private static void releaseShot(MainWindow window, Path work, Path out) throws Exception {
        Path secondDirectory = Files.createDirectories(work.resolve("second"));
        Files.write(secondDirectory.resolve("users.txt"), List.of("carol@example.com"));
        try (TestMonitor second = TestMonitor.start(secondDirectory,
                TestMonitor.settings(secondDirectory).withAuth(AuthPolicy.of(AuthMode.ANY, false, false)))) {
            HeadlessFx.fx(() -> {
                @SuppressWarnings("unchecked")
                TableView<MailboxRow> mailboxes = (TableView<MailboxRow>) window.stage().getScene().lookup("#mailboxesTable");
                mailboxes.getSelectionModel().select(1);
                return null;
            });
            await(() -> window.stage().getScene().lookup("#messagesTable") instanceof TableView<?> t && !t.getItems().isEmpty());
            HeadlessFx.fx(() -> {
                ((TableView<?>) window.stage().getScene().lookup("#messagesTable")).getSelectionModel().clearAndSelect(0);
                window.mailController().releaseMessage();
                return null;
            });
            await(() -> window.mailController().lastRelease() != null
                    && !window.mailController().lastRelease().busyProperty().get());
            ReleaseDialog dialog = window.mailController().lastRelease();
            HeadlessFx.fx(() -> {
                dialog.hostField.setText("127.0.0.1");
                dialog.securityBox.setValue(ReleaseTarget.Security.STARTTLS);
                dialog.portField.setText(Integer.toString(second.port()));
                dialog.userField.setText("bob");
                dialog.passwordField.setText("not shown anywhere");
                dialog.insecureBox.setSelected(true);
                dialog.recipientsField.setText("carol@example.com");
                dialog.send();
                return null;
            });
            await(() -> !dialog.busyProperty().get() && !dialog.transcriptList.getItems().isEmpty());
            Thread.sleep(500);
            snapshot(dialog.stage().getScene(), out.resolve("release.png"));
            HeadlessFx.fx(() -> {
                dialog.close();
                return null;
            });
        }
    }

    private static void sendTraffic(InetSocketAddress server) throws Exception {
        try (RawSmtpClient client = RawSmtpClient.connectGreeted(server)) {
            client.command("EHLO build.test.org");
            client.mail("ci@test.org", "alice@example.com", "From: CI <ci@test.org>\nTo: alice@example.com\n"
                    + "Subject: Build #481 passed\nDate: Tue, 24 Nov 2026 09:10:11 +0000\nMessage-ID: <481-1@ci.test.org>\n"
                    + "\nAll 212 tests passed.\n");
            client.mail("ci@test.org", "bob@example.com", "From: CI <ci@test.org>\nTo: bob@example.com\n"
                    + "Subject: Build #481 passed\nDate: Tue, 24 Nov 2026 09:10:12 +0000\nMessage-ID: <481-2@ci.test.org>\n"
                    + "\nAll 212 tests passed.\n");
            client.command("QUIT");
        }
        try (RawSmtpClient client = RawSmtpClient.connectGreeted(server)) {
            client.command("HELO shop.test.org");
            String subject = "=?UTF-8?B?" + Base64.getEncoder().encodeToString(
                    "Ihre Bestellung über 3 Bücher".getBytes(StandardCharsets.UTF_8)) + "?=";
            client.mail("orders@shop.test.org", "bob@example.com", "From: =?UTF-8?Q?B=C3=BCcher_Shop?= <orders@shop.test.org>\n"
                    + "To: bob@example.com\nSubject: " + subject + "\nDate: Tue, 24 Nov 2026 09:12:40 +0000\n"
                    + "Message-ID: <7731@shop.test.org>\n\nDanke!\n");
            client.mail("orders@shop.test.org", "carol@example.com", "From: orders@shop.test.org\nTo: carol@example.com\n"
                    + "Subject: Your order has shipped\nDate: Tue, 24 Nov 2026 09:13:05 +0000\nMessage-ID: <7732@shop.test.org>\n"
                    + "\nTracking: 0042\n");
            client.command("QUIT");
        }
    }

    /**
     * A home-made client: a HELO name that is no domain, a message with bare LFs and no Date or
     * Message-ID, three recipients (the third refused by the rule rcpt-452).
     */
    private static void sendSloppily(InetSocketAddress server) throws Exception {
        try (RawSmtpClient client = RawSmtpClient.connectGreeted(server)) {
            client.command("HELO my_laptop");
            client.command("MAIL FROM:<student@uni.test.org>");
            client.command("RCPT TO:<alice@example.com>");
            client.command("RCPT TO:<bob@example.com>");
            client.command("RCPT TO:<carol@example.com>");
            client.command("DATA");
            client.send("From: student@uni.test.org\nSubject: Lab 3: my SMTP client\n\nIt works!\r\n.\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            client.readReply();
            client.command("QUIT");
        }
    }

    /** One message as an application set up for production mail sends it: over STARTTLS, after AUTH PLAIN. */
    private static void sendOverTls(InetSocketAddress server) throws Exception {
        String host = server.getAddress().getHostAddress();
        Security security = new Security(TlsMode.STARTTLS, new TlsClient(ServerTrust.any()),
                new Credentials("alerts@ops.test.org", "not shown anywhere"), AuthMechanism.PLAIN);
        try (SmtpConnection connection = SmtpConnection.open(host, server.getPort(), Duration.ofSeconds(10))) {
            SessionSetup setup = new SessionSetup("ops.test.org", security,
                    security.tls().socketLayer(host, server.getPort()), SessionSetup.Transcript.NONE);
            MessageSender.Outcome outcome = new MessageSender(connection, setup).send(new OutgoingMessage(
                    "alerts@ops.test.org", List.of("carol@example.com"), "Disk usage at 81% on db-2",
                    "db-2: /var is 81% full.\n", ZonedDateTime.parse("2026-11-24T09:13:30Z"),
                    "<disk-81@ops.test.org>"));
            if (!outcome.deliveredToAll()) {
                throw new IllegalStateException("the message over TLS was not delivered: " + outcome);
            }
        }
    }

    static void await(BooleanSupplier condition) throws Exception {
        Await.until("the window gets there", Duration.ofSeconds(30), () -> HeadlessFx.fx(condition::getAsBoolean));
    }

    /** Writes what the scene shows, pixel for pixel, without javafx-swing. */
    static void snapshot(Scene scene, Path file) throws Exception {
        WritableImage image = HeadlessFx.fx(() -> scene.snapshot(null));
        int width = (int) image.getWidth();
        int height = (int) image.getHeight();
        BufferedImage buffered = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
        PixelReader pixels = image.getPixelReader();
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                buffered.setRGB(x, y, pixels.getArgb(x, y));
            }
        }
        ImageIO.write(buffered, "png", file.toFile());
    }
}
