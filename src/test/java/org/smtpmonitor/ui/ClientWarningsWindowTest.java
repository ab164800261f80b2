package org.smtpmonitor.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.smtpmonitor.ui.WindowTestSupport.await;
import static org.smtpmonitor.ui.WindowTestSupport.fx;

import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;

import javafx.css.PseudoClass;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.TableRow;

import org.junit.jupiter.api.Test;
import org.smtpmonitor.mailbox.MailboxFormat;
import org.smtpmonitor.testing.RawSmtpClient;

/**
 * The check of the sending client as the user sees it: a client that says {@code HELO
 * my_host} and sends a message with bare LFs and no Date, From or Message-ID gets a "!" on
 * its session's row, whose tooltip lists the warnings, a count in its outcome, and each
 * warning in its transcript where it happened; a well-behaved session beside it gets none.
 */
class ClientWarningsWindowTest extends WindowTestBase {

    private static final PseudoClass WARNED = PseudoClass.getPseudoClass("warned");

    @Test
    void aSessionWithWarningsIsMarkedAndTheyShowInItsTranscript() throws Exception {
        MainWindow window = open(MailboxFormat.RAW);
        try (RawSmtpClient bad = RawSmtpClient.connectGreeted(app.serverAddress())) {
            bad.command("HELO my_host");
            bad.command("MAIL FROM:<me@test.org>");
            bad.command("RCPT TO:<alice@example.com>");
            bad.command("DATA");
            bad.send("Subject: sloppy\nX: y\r\n\r\nbody\nmore\r\n.\r\n".getBytes(StandardCharsets.US_ASCII));
            assertTrue(bad.readReply().startsWith("250"));
            bad.command("QUIT");
        }
        try (RawSmtpClient good = RawSmtpClient.connectGreeted(app.serverAddress())) {
            good.command("EHLO client.test.org");
            good.sendMessage("me@test.org", List.of("bob@example.com"), "Date: Mon, 30 Nov 2026 13:00:00 +0000\r\n"
                    + "From: me@test.org\r\nMessage-ID: <1@test.org>\r\nSubject: tidy\r\n\r\nbody\r\n");
            good.command("QUIT");
        }
        await("two sessions, closed", () -> window.model().sessions().size() == 2
                && window.model().sessions().stream().noneMatch(SessionRow::isOpen));
        List<SessionRow> sessions = fx(() -> window.model().sessions().stream()
                .sorted(Comparator.comparingLong(SessionRow::id)).toList());
        SessionRow sloppy = sessions.get(0);
        SessionRow tidy = sessions.get(1);

        await("the rows", () -> row(sloppy) != null && row(tidy) != null);
        assertTrue(fx(() -> row(sloppy).getPseudoClassStates().contains(WARNED)));
        assertTrue(fx(() -> row(sloppy).lookup(".warning-mark").isVisible()));
        assertFalse(fx(() -> row(tidy).getPseudoClassStates().contains(WARNED)));
        assertFalse(fx(() -> row(tidy).lookup(".warning-mark").isVisible()));
        String outcome = fx(() -> sloppy.outcomeProperty().get());
        assertTrue(outcome.startsWith("delivered 1") && outcome.endsWith(", 3 warnings"), outcome);
        assertEquals("delivered 1", fx(() -> tidy.outcomeProperty().get()));

        Node mark = fx(() -> row(sloppy).lookup(".warning-mark"));
        String tooltip = fx(() -> ((Label) mark).getTooltip().getText());
        List<String> warnings = tooltip.lines().toList();
        assertEquals(3, warnings.size(), tooltip);
        assertTrue(warnings.get(0).startsWith("HELO name \"my_host\" is neither a domain nor an address literal (RFC 5321"),
                tooltip);
        assertTrue(warnings.stream().anyMatch(w -> w.startsWith("bare LF in the message data (RFC 5321 2.3.8")), tooltip);
        assertTrue(warnings.stream().anyMatch(w -> w.contains("RFC 5322 3.6")), tooltip);

        clickRow("#sessionsTable", String.valueOf(sloppy.id()));
        await("the warnings in the transcript", () -> shownNow().stream().filter(l -> l.startsWith("-- warning: ")).count() == 3,
                this::shownNow);
        List<String> lines = shownNow();
        int helo = lines.indexOf("C: HELO my_host");
        assertTrue(lines.get(helo + 1).startsWith("-- warning: HELO name \"my_host\" is neither a domain"),
                String.join("\n", lines));
        clickRow("#sessionsTable", String.valueOf(tidy.id()));
        await("the tidy session's transcript", () -> shownNow().stream().anyMatch(l -> l.startsWith("-- Delivered ")),
                this::shownNow);
        assertTrue(shownNow().stream().noneMatch(l -> l.startsWith("-- warning: ")), String.join("\n", shownNow()));
    }

    private TableRow<?> row(SessionRow session) {
        return Views.row(table("#sessionsTable"), String.valueOf(session.id()));
    }

    /** The transcript as shown, without the times, on the FX thread already. */
    /** The transcript's lines as shown, without the times; read on the FX thread, which adds to them. */
    private List<String> shownNow() {
        try {
            return fx(() -> transcript().getItems().stream().map(line -> line.formatted().substring(13)).toList());
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the transcript", e);
        }
    }
}
