package org.smtpmonitor.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.smtpmonitor.ui.WindowTestSupport.await;
import static org.smtpmonitor.ui.WindowTestSupport.fx;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.util.List;
import java.util.prefs.Preferences;

import javafx.css.PseudoClass;

import org.junit.jupiter.api.Test;
import org.smtpmonitor.app.ReleaseTarget.Security;
import org.smtpmonitor.mailbox.MailboxFormat;
import org.smtpmonitor.smtp.AuthMode;
import org.smtpmonitor.smtp.AuthPolicy;
import org.smtpmonitor.testing.RawSmtpClient;
import org.smtpmonitor.testing.TestMonitor;

/** Release…: a stored message sent on from the window to another server, and what the window shows of it. */
class ReleaseWindowTest extends WindowTestBase {

    private static final String PASSWORD = "pw-n0t-kept";
    private static final String BODY = "Release me, byte for byte.";

    /** Opens the window with one message to alice, selected, and its Release… dialog with the form read in. */
    private ReleaseDialog openReleaseDialog() throws Exception {
        MainWindow window = open(MailboxFormat.RAW);
        try (RawSmtpClient client = RawSmtpClient.connectGreeted(app.serverAddress())) {
            client.command("EHLO tester");
            client.mail("sender@test.org", "alice@example.com", "From: sender@test.org\nTo: alice@example.com\n"
                    + "Subject: To be released\n\n" + BODY + "\n");
            client.command("QUIT");
        }
        clickRow("#mailboxesTable", "alice@example.com");
        clickRowWith("#messagesTable", "To be released");
        clickOn("#releaseButton");
        return awaitDialog(window, null);
    }

    private static ReleaseDialog awaitDialog(MainWindow window, ReleaseDialog before) throws Exception {
        await("the release dialog shows, its form read in", () -> {
            ReleaseDialog dialog = window.mailController().lastRelease();
            return dialog != null && dialog != before && dialog.stage().isShowing() && !dialog.busyProperty().get();
        });
        return fx(() -> window.mailController().lastRelease());
    }

    private static void fill(ReleaseDialog dialog, int port, Security security, String user, String password,
                             String recipients) throws Exception {
        fx(() -> {
            dialog.hostField.setText("127.0.0.1");
            dialog.securityBox.setValue(security);
            dialog.portField.setText(Integer.toString(port));
            dialog.userField.setText(user);
            dialog.passwordField.setText(password);
            dialog.insecureBox.setSelected(security != Security.PLAIN);
            dialog.recipientsField.setText(recipients);
            return null;
        });
    }

    private static String summary(ReleaseDialog dialog) throws Exception {
        return fx(() -> dialog.summaryLabel.getText());
    }

    @Test
    void aReleaseToASecondMonitorDeliversShowsTheTranscriptAndTheFormIsRememberedButThePassword() throws Exception {
        ReleaseDialog dialog = openReleaseDialog();
        assertEquals("the stored envelope's: alice@example.com", fx(() -> dialog.recipientsField.getPromptText()));
        Files.createDirectories(directory.resolve("second"));
        try (TestMonitor second = TestMonitor.start(directory.resolve("second"),
                TestMonitor.settings(directory.resolve("second")).withAuth(AuthPolicy.of(AuthMode.ANY, false, false)))) {
            fill(dialog, second.port(), Security.STARTTLS, "tester", PASSWORD, "bob@example.com");
            clickOn(fx(() -> dialog.sendButton));
            await("the outcome shows", () -> !dialog.busyProperty().get() && !dialog.transcriptList.getItems().isEmpty(),
                    () -> dialog.summaryLabel.getText() + " " + dialog.transcriptList.getItems());

            String summary = summary(dialog);
            List<String> transcript = fx(() -> List.copyOf(dialog.transcriptList.getItems()));
            assertTrue(summary.startsWith("Delivered: "), summary + "\n" + transcript);
            assertTrue(fx(() -> dialog.summaryLabel.getPseudoClassStates().contains(PseudoClass.getPseudoClass("delivered"))));
            assertTrue(transcript.stream().anyMatch(line -> line.startsWith("C: STARTTLS")), transcript.toString());
            assertTrue(transcript.stream().anyMatch(line -> line.startsWith("C: RCPT TO:<bob@example.com>")),
                    transcript.toString());
            assertTrue(transcript.stream().anyMatch(line -> line.startsWith("S: 250")), transcript.toString());
            assertFalse(String.join("\n", transcript).contains(PASSWORD), "the password is never shown");
            // The override's recipient got the stored message; the stored envelope's did not.
            String arrived = second.mailboxText("bob@example.com");
            assertTrue(arrived.contains("Subject: To be released\r\n\r\n" + BODY + "\r\n"), arrived);
            assertFalse(Files.exists(second.mailbox("alice@example.com")) && second.mailboxText("alice@example.com")
                    .contains(BODY));

            // Opened again: everything as sent, but the password, which is nowhere in the preferences.
            fx(() -> {
                dialog.close();
                return null;
            });
            fx(() -> {
                app.launcher.window().mailController().releaseMessage();
                return null;
            });
            ReleaseDialog again = awaitDialog(app.launcher.window(), dialog);
            assertEquals(List.of("127.0.0.1", Integer.toString(second.port()), "STARTTLS", "tester", "true",
                    "bob@example.com", ""), fx(() -> List.of(again.hostField.getText(), again.portField.getText(),
                    again.securityBox.getValue().name(), again.userField.getText(),
                    Boolean.toString(again.insecureBox.isSelected()), again.recipientsField.getText(),
                    again.passwordField.getText())));
            Preferences remembered = app.preferences.node("release");
            for (String key : remembered.keys()) {
                assertFalse(remembered.get(key, "").contains(PASSWORD), key);
            }
        }
    }

    @Test
    void aReleaseToAPortWhereNothingListensShowsTheFailureAsAnOutcome() throws Exception {
        ReleaseDialog dialog = openReleaseDialog();
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        fill(dialog, closedPort, Security.PLAIN, "", "", "");
        clickOn(fx(() -> dialog.sendButton));
        await("the outcome shows", () -> !dialog.busyProperty().get() && !dialog.summaryLabel.getText().startsWith("Sending"));
        String summary = summary(dialog);
        assertTrue(summary.startsWith("Not delivered: "), summary);
        assertTrue(fx(() -> dialog.summaryLabel.getPseudoClassStates().contains(PseudoClass.getPseudoClass("failed"))));
        assertFalse(fx(() -> dialog.transcriptList.getItems().isEmpty()), "the transcript says what happened");
        // The relay's own first line: an outcome of the attempt, not an exception caught on the way.
        assertEquals("-- connecting to 127.0.0.1:" + closedPort, fx(() -> dialog.transcriptList.getItems().get(0)));
        assertTrue(fx(() -> dialog.stage().isShowing()), "the dialog stays, with its form, for another try");
    }
}
