package org.smtpmonitor.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.smtpmonitor.ui.WindowTestSupport.await;
import static org.smtpmonitor.ui.WindowTestSupport.fx;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

import javafx.css.PseudoClass;
import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.control.Control;
import javafx.scene.control.Label;
import javafx.scene.control.Labeled;
import javafx.scene.control.TableRow;
import javafx.scene.control.TextInputControl;
import javafx.scene.control.Tooltip;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ContextMenuEvent;
import javafx.stage.Window;

import org.junit.jupiter.api.Test;
import org.smtpmonitor.app.Settings;
import org.smtpmonitor.mailbox.MailboxFormat;
import org.smtpmonitor.smtp.AuthMode;
import org.smtpmonitor.smtp.AuthPolicy;
import org.smtpmonitor.testing.Python;

/**
 * Sessions over TLS as the user sees them, sent by Python's smtplib: over STARTTLS with AUTH
 * PLAIN, over implicit TLS with AUTH LOGIN, and in the clear. A padlock on the rows of the first
 * two, whose tooltip names protocol, cipher, SNI and user; their handshake and login in the
 * transcript; each message's envelope saying how it came; the certificate's fingerprint in the
 * status bar, copied from its menu. The password shows nowhere in the window.
 */
class TlsWindowTest extends WindowTestBase {

    private static final String ALICE = "alice@example.com";
    private static final String BOB = "bob@example.com";
    private static final String PASSWORD = "Tr0ub4dor&3-secret";
    private static final PseudoClass TLS = PseudoClass.getPseudoClass("tls");

    /** Protocol and cipher of the STARTTLS and implicit-TLS sessions, as the client printed them. */
    private List<String> sent;
    private MainWindow window;

    private void openAndSend() throws Exception {
        Python.assumeInstalled();
        Settings settings = app.settings(MailboxFormat.RAW);
        settings = settings.withTls(settings.tls().withImplicitPort(0))
                .withAuth(AuthPolicy.of(AuthMode.ANY, false, false));
        window = app.open(settings, app.usersFile("users.txt", ALICE, BOB));
        String out = Python.run(directory, String.join("\n",
                "import smtplib, ssl, sys",
                "port, tls_port, cafile, password = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]",
                "context = ssl.create_default_context(cafile=cafile)",
                "def message(subject):",
                "    return 'Subject: %s\\r\\n\\r\\nhi\\r\\n' % subject",
                "with smtplib.SMTP('localhost', port, local_hostname='client.test', timeout=30) as smtp:",
                "    smtp.starttls(context=context)",
                "    smtp.ehlo()",
                "    smtp.user, smtp.password = 'alice@example.com', password",
                "    smtp.auth('PLAIN', smtp.auth_plain)",
                "    print(smtp.sock.version(), smtp.sock.cipher()[0])",
                "    smtp.sendmail('py@client.test', ['alice@example.com'], message('over starttls'))",
                "with smtplib.SMTP_SSL('localhost', tls_port, local_hostname='client.test', timeout=30,",
                "                      context=context) as smtp:",
                "    smtp.ehlo()",
                "    smtp.user, smtp.password = 'bob@example.com', password",
                "    smtp.auth('LOGIN', smtp.auth_login, initial_response_ok=False)",
                "    print(smtp.sock.version(), smtp.sock.cipher()[0])",
                "    smtp.sendmail('py@client.test', ['alice@example.com'], message('over implicit tls'))",
                "with smtplib.SMTP('localhost', port, local_hostname='client.test', timeout=30) as smtp:",
                "    smtp.sendmail('py@client.test', ['alice@example.com'], message('in the clear'))",
                ""), String.valueOf(app.serverAddress().getPort()),
                String.valueOf(window.monitor().tlsAddress().getPort()), certificateFile().toString(), PASSWORD);
        sent = out.lines().map(line -> line.replace("TLSv", "TLS ")).toList();
        assertEquals(2, sent.size(), out);
        await("three sessions, closed", () -> sessionsByAge().size() == 3
                && sessionsByAge().stream().noneMatch(SessionRow::isOpen));
    }

    private Path certificateFile() {
        return directory.resolve("mail").resolve(".smtp-monitor").resolve("tls").resolve("certificate.pem");
    }

    /** The sessions held, oldest first: the STARTTLS one, the implicit-TLS one, the one in the clear. */
    private List<SessionRow> sessionsByAge() {
        return window.model().sessions().stream().sorted(Comparator.comparingLong(SessionRow::id)).toList();
    }

    private TableRow<?> renderedRow(SessionRow session) {
        return Views.row(table("#sessionsTable"), String.valueOf(session.id()));
    }

    /** Hovers over the padlock of a session's row, and reads the tooltip that shows. */
    private String lockTooltip(SessionRow session) throws Exception {
        Node lock = fx(() -> renderedRow(session).lookup(".tls-mark"));
        moveTo(lock);
        await("the padlock's tooltip shows", () -> shownTooltip() != null);
        String text = fx(() -> shownTooltip().getText());
        moveTo("#filterField");
        await("the tooltip goes", () -> shownTooltip() == null);
        return text;
    }

    /** The transcript shown, without the times; on the FX thread. */
    private List<String> transcriptNow() {
        return transcript().getItems().stream().map(line -> line.formatted().substring(13)).toList();
    }

    /** A label's text; on the FX thread. */
    private String labelNow(String id) {
        return lookup(id).queryAs(Label.class).getText();
    }

    private static Tooltip shownTooltip() {
        return Window.getWindows().stream().filter(w -> w instanceof Tooltip && w.isShowing()).map(Tooltip.class::cast)
                .findFirst().orElse(null);
    }

    @Test
    void sessionsOverTlsShowAPadlockAndTheirHandshakeAndLoginAndTheMessagesHowTheyCame() throws Exception {
        openAndSend();
        List<SessionRow> sessions = fx(this::sessionsByAge);
        SessionRow startTls = sessions.get(0);
        SessionRow implicit = sessions.get(1);
        SessionRow clear = sessions.get(2);

        // The rows: a padlock on the two over TLS, none on the one in the clear.
        for (SessionRow session : sessions) {
            boolean overTls = session != clear;
            await("the row of session " + session.id(), () -> renderedRow(session) != null);
            assertEquals(overTls, fx(() -> renderedRow(session).getPseudoClassStates().contains(TLS)));
            assertEquals(overTls, fx(() -> renderedRow(session).lookup(".tls-mark").isVisible()),
                    "the padlock of session " + session.id());
            assertEquals(String.valueOf(session.id()), fx(() -> ((Labeled) renderedRow(session)
                    .getChildrenUnmodifiable().get(0)).getText()), "the number is still the cell's text");
        }
        String[] first = sent.get(0).split(" ", 3);
        String[] second = sent.get(1).split(" ", 3);
        assertEquals(first[0] + " " + first[1] + ", " + first[2] + "\nSNI localhost\nAUTH PLAIN " + ALICE,
                lockTooltip(startTls));
        assertEquals(second[0] + " " + second[1] + ", " + second[2] + "\nSNI localhost\nAUTH LOGIN " + BOB,
                lockTooltip(implicit));

        // The transcripts: the handshake and the login, the secrets masked.
        clickRow("#sessionsTable", String.valueOf(startTls.id()));
        await("the STARTTLS session's transcript", () -> transcriptNow().contains("-- AUTH PLAIN " + ALICE), this::transcriptNow);
        List<String> lines = shownTranscript();
        int handshake = lines.indexOf("-- " + sent.get(0) + " SNI localhost");
        assertTrue(handshake > lines.indexOf("S: 220 Ready to start TLS"), String.join("\n", lines));
        assertTrue(lines.indexOf("C: AUTH PLAIN ****") > handshake, String.join("\n", lines));
        clickRow("#sessionsTable", String.valueOf(implicit.id()));
        await("the implicit-TLS session's transcript", () -> transcriptNow().contains("-- AUTH LOGIN " + BOB), this::transcriptNow);
        lines = shownTranscript();
        assertTrue(lines.get(0).startsWith("-- Connection from 127.0.0.1:"), lines.get(0));
        assertEquals("-- " + sent.get(1) + " SNI localhost", lines.get(1), "over TLS from the start");
        assertTrue(lines.get(2).startsWith("S: 220 "), lines.get(2));
        assertTrue(lines.containsAll(List.of("C: AUTH LOGIN", "C: ****")), String.join("\n", lines));

        // The messages: how each came, in the envelope.
        clickRow("#mailboxesTable", ALICE);
        Inspector inspector = new Inspector(this);
        for (List<String> expected : List.of(List.of("over starttls", sent.get(0) + " \u00b7 AUTH PLAIN " + ALICE),
                List.of("over implicit tls", sent.get(1) + " \u00b7 AUTH LOGIN " + BOB),
                List.of("in the clear", "in the clear"))) {
            clickRowWith("#messagesTable", expected.get(0));
            inspector.awaitSubject(expected.get(0));
            assertEquals(expected.get(1), inspector.label("#envelopeSecurity"), expected.get(0));
        }

        assertPasswordShownNowhere();
    }

    @Test
    void theStatusBarShowsTheCertificatesFingerprintAndCopiesIt() throws Exception {
        openAndSend();
        String fingerprint;
        try (InputStream in = Files.newInputStream(certificateFile())) {
            byte[] der = CertificateFactory.getInstance("X.509").generateCertificate(in).getEncoded();
            fingerprint = HexFormat.ofDelimiter(":").withUpperCase().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(der));
        }
        String port = String.valueOf(window.monitor().tlsAddress().getPort());
        await("the status bar names the certificate and the implicit-TLS port", () -> labelNow("#tlsLabel").equals(
                "TLS SHA-256 " + fingerprint.substring(0, 11) + "\u2026" + fingerprint.substring(fingerprint.length() - 5)
                        + " \u00b7 implicit on 127.0.0.1:" + port), () -> labelNow("#tlsLabel"));
        String details = fx(() -> lookup("#tlsLabel").queryAs(Label.class).getTooltip().getText());
        assertTrue(details.contains("SHA-256 " + fingerprint + "\nSubject CN=localhost,O=smtp-monitor\nValid "), details);
        assertTrue(details.contains("Implicit TLS on 127.0.0.1:" + port), details);

        Label tlsLabel = fx(() -> lookup("#tlsLabel").queryAs(Label.class));
        rightClickOn(tlsLabel);
        // Monocle makes no context menu event of a right click, as a desktop's windowing does: the test makes it.
        fx(() -> {
            Bounds bounds = tlsLabel.localToScreen(tlsLabel.getBoundsInLocal());
            ContextMenuEvent.fireEvent(tlsLabel, new ContextMenuEvent(ContextMenuEvent.CONTEXT_MENU_REQUESTED, 5, 5,
                    bounds.getMinX() + 5, bounds.getMinY() + 5, false, null));
            return null;
        });
        await("the menu shows", () -> lookup("#copyFingerprintItem").tryQuery().filter(Node::isVisible).isPresent());
        clickOn("#copyFingerprintItem");
        await("copied", () -> labelNow("#messageLabel").equals("Copied the TLS certificate's SHA-256 fingerprint"));
        assertEquals(fingerprint, fx(() -> Clipboard.getSystemClipboard().getString()));
    }

    /** Neither the password nor its base64 (AUTH PLAIN's and LOGIN's) in any text, tooltip or transcript line. */
    private void assertPasswordShownNowhere() throws Exception {
        List<String> texts = fx(() -> {
            List<String> all = new ArrayList<>();
            for (SessionRow session : window.model().sessions()) {
                session.transcript().lines().forEach(line -> all.add(line.formatted()));
                all.add(session.securityProperty().get());
            }
            for (Window shown : Window.getWindows()) {
                if (shown.getScene() != null) {
                    collect(shown.getScene().getRoot(), all);
                }
            }
            return all;
        });
        Base64.Encoder base64 = Base64.getEncoder();
        List<String> secrets = List.of(PASSWORD, base64.encodeToString(PASSWORD.getBytes(StandardCharsets.UTF_8)),
                base64.encodeToString(("\0" + ALICE + "\0" + PASSWORD).getBytes(StandardCharsets.UTF_8)));
        assertTrue(texts.size() > 100, "the window's texts were read: " + texts.size());
        for (String text : texts) {
            for (String secret : secrets) {
                assertFalse(text != null && text.contains(secret), "a secret shows in: " + text);
            }
        }
    }

    private static void collect(Node node, List<String> texts) {
        if (node instanceof Labeled labeled) {
            texts.add(labeled.getText());
        }
        if (node instanceof TextInputControl input) {
            texts.add(input.getText());
        }
        if (node instanceof Control control && control.getTooltip() != null) {
            texts.add(control.getTooltip().getText());
        }
        if (node.getProperties().get("javafx.scene.control.Tooltip") instanceof Tooltip installed) {
            texts.add(installed.getText());
        }
        if (node instanceof Parent parent) {
            for (Node child : parent.getChildrenUnmodifiable()) {
                collect(child, texts);
            }
        }
    }
}
