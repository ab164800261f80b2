package org.smtpmonitor.ui;

import static org.smtpmonitor.ui.Screenshots.await;
import static org.smtpmonitor.ui.Screenshots.snapshot;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import javafx.concurrent.Worker;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TabPane;
import javafx.scene.control.TableView;
import javafx.scene.web.WebView;

import javax.imageio.ImageIO;

import jakarta.mail.Part;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;

import org.smtpmonitor.testing.TestMonitor;

/**
 * The inspector's screenshots: a newsletter in the HTML tab (an inline image shown, a remote one
 * blocked), a message's attachments, and the decoded headers of a message with an encoded
 * subject. The mail goes to dave, whose mailbox the main window's shot leaves empty, sent by Angus.
 */
final class InspectorShots {

    private static final String DAVE = "dave@example.com";
    private static final String NEWSLETTER = "The Garden Newsletter, spring issue";
    private static final String ATTACHED = "Quarterly report, figures and photo";
    private static final String MENU = "Caf\u00e9 menu \u2013 na\u00efve";

    private InspectorShots() {
    }

    static void write(MainWindow window, Path out) throws Exception {
        InspectorMail mail = new InspectorMail(TestMonitor.address(window.monitor()));
        InspectorMail.send(headers(mail));
        InspectorMail.send(attachments(mail));
        InspectorMail.send(newsletter(mail));
        Scene scene = window.stage().getScene();
        await(() -> Views.rows(table(scene, "#mailboxesTable")).stream()
                .anyMatch(row -> row.get(0).startsWith(DAVE) && row.get(1).equals("3")));
        HeadlessFx.fx(() -> {
            TableView<?> mailboxes = table(scene, "#mailboxesTable");
            mailboxes.getSelectionModel().clearAndSelect(Views.row(mailboxes, DAVE).getIndex());
            return null;
        });
        await(() -> table(scene, "#messagesTable").getItems().size() == 3);
        HeadlessFx.fx(() -> {
            // The inspector's share of the height raised, as the user drags the divider, so its tabs show more.
            for (Node node = scene.lookup("#messageTabs"); node != null; node = node.getParent()) {
                if (node instanceof SplitPane split) {
                    split.setDividerPositions(0.33);
                    break;
                }
            }
            return null;
        });

        select(scene, NEWSLETTER, "htmlTab");
        await(() -> scene.lookup("#htmlWebView") instanceof WebView web && web.isVisible()
                && web.getEngine().getLoadWorker().getState() == Worker.State.SUCCEEDED
                && scene.lookup("#remoteContentLabel") instanceof Label bar && bar.isVisible());
        settle();
        snapshot(scene, out.resolve("inspector-html.png"));

        select(scene, ATTACHED, "attachmentsTab");
        await(() -> table(scene, "#attachmentsTable").getItems().size() == 3);
        settle();
        snapshot(scene, out.resolve("inspector-attachments.png"));

        select(scene, MENU, "headersTab");
        await(() -> table(scene, "#headersTable").getItems().size() > 5);
        HeadlessFx.fx(() -> {
            // The decoded subject in view and selected, as the user would look for it.
            @SuppressWarnings("unchecked")
            TableView<Inspected.HeaderRow> headers = (TableView<Inspected.HeaderRow>) table(scene, "#headersTable");
            int subject = headers.getItems().stream().map(Inspected.HeaderRow::name).toList().indexOf("Subject");
            headers.getSelectionModel().clearAndSelect(subject);
            headers.scrollTo(Math.max(0, subject - 2));
            return null;
        });
        settle();
        snapshot(scene, out.resolve("inspector-headers.png"));
    }

    /** Selects the message of this subject, waits for the inspector to show it, then opens a tab. */
    private static void select(Scene scene, String subject, String tabId) throws Exception {
        HeadlessFx.fx(() -> {
            TableView<?> messages = table(scene, "#messagesTable");
            messages.getSelectionModel().clearAndSelect(Views.rowWith(messages, subject).getIndex());
            return null;
        });
        await(() -> scene.lookup("#subjectLabel") instanceof Label label && subject.equals(label.getText()));
        HeadlessFx.fx(() -> {
            TabPane tabs = (TabPane) scene.lookup("#messageTabs");
            tabs.getSelectionModel().select(tabs.getTabs().stream()
                    .filter(tab -> tabId.equals(tab.getId())).findFirst().orElseThrow());
            return null;
        });
    }

    /** Lets layout, images and WebKit's painting catch up: a few pulses, checked by a round trip each. */
    private static void settle() throws Exception {
        for (int i = 0; i < 5; i++) {
            Thread.sleep(200);
            HeadlessFx.fx(() -> null);
        }
    }

    private static TableView<?> table(Scene scene, String id) {
        return (TableView<?>) scene.lookup(id);
    }

    private static MimeMessage newsletter(InspectorMail mail) throws Exception {
        MimeMessage message = mail.message(NEWSLETTER, DAVE);
        MimeBodyPart banner = InspectorMail.file(banner(), "image/png", "banner.png", Part.INLINE);
        banner.setContentID("<banner@garden.test>");
        String html = """
                <html><body style="font-family: sans-serif; margin: 16px; color: #223">
                <img src="cid:banner@garden.test" alt="Spring banner" width="360" height="90">
                <h2 style="color: #2a7a3b">Spring is here</h2>
                <p>Dear reader, the tulips are out and the <b>seed swap</b> is on Saturday at 10:00.</p>
                <ul><li>Pruning roses, step by step</li><li>Five herbs for a windowsill</li>
                <li>Compost: what goes in, what stays out</li></ul>
                <p><img src="http://example.invalid/x.png" alt="tracking pixel" width="1" height="1">
                <a href="https://garden.example.com/unsubscribe">Unsubscribe</a></p>
                </body></html>
                """;
        MimeBodyPart related = InspectorMail.wrap(InspectorMail.multipart("related",
                InspectorMail.wrap(InspectorMail.multipart("alternative",
                        InspectorMail.text("Spring is here. The seed swap is on Saturday at 10:00.", "UTF-8", "7bit"),
                        InspectorMail.html(html, "quoted-printable"))),
                banner));
        message.setContent(InspectorMail.multipart("mixed", related));
        return message;
    }

    private static MimeMessage attachments(InspectorMail mail) throws Exception {
        MimeMessage message = mail.message(ATTACHED, DAVE);
        byte[] pdf = ("%PDF-1.4\n% a small generated document\n" + "0".repeat(2_000) + "\n%%EOF\n")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] csv = "quarter;revenue;caf\u00e9s\r\nQ1;1200;3\r\nQ2;1850;4\r\n".getBytes(StandardCharsets.UTF_8);
        message.setContent(InspectorMail.multipart("mixed",
                InspectorMail.text("Hi Dave,\n\nthe report, the figures and a photo of the team are attached.\n",
                        "UTF-8", "7bit"),
                InspectorMail.file(pdf, "application/pdf", "report-q2.pdf", Part.ATTACHMENT),
                InspectorMail.file(csv, "text/csv", "figures.csv", Part.ATTACHMENT),
                InspectorMail.file(banner(), "image/png", "team-photo.png", Part.ATTACHMENT)));
        return message;
    }

    private static MimeMessage headers(InspectorMail mail) throws Exception {
        MimeMessage message = mail.message(MENU, DAVE);
        message.addHeader("Reply-To", "kitchen@bistro.test");
        message.addHeader("X-Mailer", "Bistro Menu Builder 2.1");
        message.addHeader("List-Unsubscribe", "<mailto:menu-off@bistro.test>");
        message.addHeader("Organization", "=?UTF-8?Q?Bistro_=C3=A0_la_carte?=");
        message.setText("Today: soupe \u00e0 l'oignon, cr\u00e8me br\u00fbl\u00e9e.\n", "UTF-8");
        message.saveChanges();
        // Angus picks B or Q; the shot is of a Q-encoded subject, as a typical mailer sends it.
        message.setHeader("Subject", "=?UTF-8?Q?Caf=C3=A9_menu_=E2=80=93_na=C3=AFve?=");
        return message;
    }

    /** A small colourful PNG: horizontal bands of a rainbow with a sun, drawn here. */
    private static byte[] banner() throws Exception {
        BufferedImage image = new BufferedImage(360, 90, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        Color[] bands = {new Color(0xE5484D), new Color(0xF76B15), new Color(0xFFC53D), new Color(0x46A758),
            new Color(0x0090FF), new Color(0x8E4EC6)};
        for (int i = 0; i < bands.length; i++) {
            g.setColor(bands[i]);
            g.fillRect(0, i * 15, 360, 15);
        }
        g.setColor(Color.WHITE);
        g.fillOval(270, 12, 66, 66);
        g.setColor(new Color(0xFFD60A));
        g.fillOval(276, 18, 54, 54);
        g.dispose();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageIO.write(image, "png", bytes);
        return bytes.toByteArray();
    }
}
