package org.smtpmonitor.ui;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.smtpmonitor.ui.InspectorMail.ALICE;
import static org.smtpmonitor.ui.InspectorMail.SENDER;
import static org.smtpmonitor.ui.WindowTestSupport.await;
import static org.smtpmonitor.ui.WindowTestSupport.fx;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import jakarta.mail.Part;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.smtpmonitor.mailbox.MailboxFormat;

/** The inspector's attachments: listed, saved, saved all, opened; hostile names kept in their folder. */
class InspectorAttachmentsWindowTest extends WindowTestBase {

    private static final byte[] PDF = InspectorMail.binary(30_000, 1);
    private static final byte[] CSV = "id;name\r\n1;caf\u00e9\r\n".getBytes(StandardCharsets.UTF_8);
    private static final byte[] PHOTO = InspectorMail.binary(5_000, 2);

    private InspectorMail mail;
    private Inspector inspector;

    @BeforeEach
    void openWindow() throws Exception {
        open(MailboxFormat.RAW);
        mail = new InspectorMail(app.serverAddress());
        inspector = new Inspector(this);
    }

    private void select(String subject) throws Exception {
        clickRow("#mailboxesTable", ALICE);
        clickRowWith("#messagesTable", subject);
        inspector.awaitSubject(subject);
    }

    private String status() {
        return inspector.label("#messageLabel");
    }

    /** The files under a folder, by their path in it, with their bytes. */
    private static Map<String, byte[]> files(Path folder) {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.filter(Files::isRegularFile).toList()) {
                files.put(folder.relativize(path).toString(), Files.readAllBytes(path));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    @Test
    void attachmentsAndAnInlineImageAreListedSavedSavedAllAndOpened() throws Exception {
        MimeMessage message = mail.message("With attachments", ALICE);
        MimeBodyPart logo = InspectorMail.file(InspectorMail.png(), "image/png", null, Part.INLINE);
        logo.setContentID("<logo@test>");
        MimeBodyPart related = InspectorMail.wrap(InspectorMail.multipart("related",
                InspectorMail.wrap(InspectorMail.multipart("alternative",
                        InspectorMail.text("See the logo.", "UTF-8", "7bit"),
                        InspectorMail.html("<p>See <img src=\"cid:logo@test\"></p>", "quoted-printable"))),
                logo));
        message.setContent(InspectorMail.multipart("mixed", related,
                InspectorMail.file(PDF, "application/pdf", "report.pdf", Part.ATTACHMENT),
                InspectorMail.file(CSV, "text/csv", "data.csv", Part.ATTACHMENT),
                InspectorMail.file(PHOTO, "image/png", "photo.png", Part.ATTACHMENT)));
        InspectorMail.send(message);
        await("alice has it", () -> Views.rows(table("#mailboxesTable")).get(0).get(1).equals("1"));
        select("With attachments");

        inspector.open("partsTab");
        assertEquals(List.of("1 multipart/mixed", "1.1 multipart/related", "1.1.1 multipart/alternative",
                "1.1.1.1 text/plain", "1.1.1.2 text/html", "1.1.2 image/png", "1.2 application/pdf", "1.3 text/csv",
                "1.4 image/png"), fx(inspector::partList));
        inspector.open("attachmentsTab");
        assertEquals("Attachments (4)", fx(() -> inspector.tab("attachmentsTab").getText()));
        assertEquals(List.of(List.of("report.pdf", "application/pdf", Sizes.human(PDF.length), "attachment"),
                List.of("data.csv", "text/csv", Sizes.human(CSV.length), "attachment"),
                List.of("photo.png", "image/png", Sizes.human(PHOTO.length), "attachment"),
                List.of("part-1.1.2.png", "image/png", Sizes.human(InspectorMail.png().length), "inline")),
                fx(() -> Views.rows(inspector.attachments())));

        Path chosen = Files.createDirectories(directory.resolve("chosen"));
        app.attachmentAnswer = chosen::resolve;
        clickRowWith("#attachmentsTable", "report.pdf");
        clickOn("#saveAttachmentButton");
        await("saved", () -> status().startsWith("Saved report.pdf to " + chosen.resolve("report.pdf")), this::status);
        assertEquals(List.of("report.pdf"), app.attachmentsAsked);
        assertArrayEquals(PDF, Files.readAllBytes(chosen.resolve("report.pdf")));

        Path all = Files.createDirectories(directory.resolve("all"));
        app.folderAnswer = all;
        clickOn("#saveAllButton");
        await("all saved", () -> status().equals("Saved 4 attachments in " + all), this::status);
        Map<String, byte[]> saved = files(all);
        assertEquals(List.of("data.csv", "part-1.1.2.png", "photo.png", "report.pdf"), List.copyOf(saved.keySet()));
        assertArrayEquals(PDF, saved.get("report.pdf"));
        assertArrayEquals(CSV, saved.get("data.csv"));
        assertArrayEquals(PHOTO, saved.get("photo.png"));
        assertArrayEquals(InspectorMail.png(), saved.get("part-1.1.2.png"));
        clickOn("#saveAllButton");
        await("saved again beside the first ones, replacing none", () -> status().equals("Saved 4 attachments in "
                + all) && files(all).size() == 8, () -> files(all).keySet());
        assertArrayEquals(PDF, Files.readAllBytes(all.resolve("report (2).pdf")));

        Path openFolder = directory.resolve("mail").resolve(".smtp-monitor").resolve("open").toAbsolutePath();
        Path old = Files.createDirectories(openFolder.resolve("7-1.2"));
        Files.writeString(old.resolve("opened-last-week.pdf"), "old");
        Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(Duration.ofDays(2))));
        clickRowWith("#attachmentsTable", "data.csv");
        clickOn("#openAttachmentButton");
        await("handed to the desktop", () -> app.opened.size() == 1, this::status);
        Path opened = app.opened.get(0);
        assertTrue(!Files.exists(old), "a copy opened days ago is removed");
        assertTrue(opened.startsWith(openFolder) && opened.getFileName().toString().equals("data.csv"), opened.toString());
        assertArrayEquals(CSV, Files.readAllBytes(opened));
    }

    @Test
    void eachTabShowsTheMessageSelectedWhetherItWasOnViewOrChosenAfter() throws Exception {
        for (String name : List.of("first.csv", "second.csv")) {
            MimeMessage message = mail.message("Sends " + name, ALICE);
            message.setContent(InspectorMail.multipart("mixed", InspectorMail.text("See " + name, "UTF-8", "7bit"),
                    InspectorMail.file(CSV, "text/csv", name, Part.ATTACHMENT)));
            InspectorMail.send(message);
        }
        await("alice has both", () -> Views.rows(table("#mailboxesTable")).get(0).get(1).equals("2"));
        select("Sends first.csv");
        inspector.open("attachmentsTab");
        assertEquals(List.of("first.csv"), attachmentNames());

        inspector.open("textTab");
        select("Sends second.csv");
        inspector.open("attachmentsTab");
        assertEquals(List.of("second.csv"), attachmentNames(), "chosen after the message: this message's");
        inspector.open("partsTab");
        assertEquals(List.of("1 multipart/mixed", "1.1 text/plain", "1.2 text/csv"), fx(inspector::partList));

        select("Sends first.csv");
        await("on view as another message is selected: that message's", () -> inspector.partList().size() == 3
                && inspector.parts().getRoot().getChildren().get(1).getValue().filename().equals("first.csv"),
                inspector::partList);
        inspector.open("attachmentsTab");
        assertEquals(List.of("first.csv"), attachmentNames());
    }

    private List<String> attachmentNames() throws Exception {
        return fx(() -> Views.rows(inspector.attachments()).stream().map(row -> row.get(0)).toList());
    }

    private static boolean exists(Path path) {
        return Files.exists(path);
    }

    @Test
    void hostileFileNamesAreSavedInsideTheChosenFolderAndAProgramIsNotOpened() throws Exception {
        mail.sendRaw(directory, SENDER, List.of(ALICE), InspectorMail.crlf("""
                From: ann@test.org
                Subject: Hostile names
                MIME-Version: 1.0
                Content-Type: multipart/mixed; boundary="b1"

                --b1
                Content-Type: text/plain

                Open me.
                --b1
                Content-Type: text/plain; name="x.txt"
                Content-Disposition: attachment; filename="../../evil.txt"

                climbing out
                --b1
                Content-Type: application/octet-stream
                Content-Disposition: attachment; filename*=UTF-8''..%2F..%2F.bashrc%07%1B%5B31m%E2%80%AEtxt.exe

                disguised
                --b1--
                """));
        await("alice has it", () -> Views.rows(table("#mailboxesTable")).get(0).get(1).equals("1"));
        select("Hostile names");
        inspector.open("attachmentsTab");
        assertEquals(List.of("../../evil.txt", "../../.bashrc\\x07\\x1b[31m\\u202etxt.exe"),
                fx(() -> Views.rows(inspector.attachments()).stream().map(row -> row.get(0)).toList()),
                "shown as the mail names them, escaped");

        Path chosen = Files.createDirectories(directory.resolve("out").resolve("chosen"));
        app.attachmentAnswer = chosen::resolve;
        clickRowWith("#attachmentsTable", "evil.txt");
        clickOn("#saveAttachmentButton");
        await("saved", () -> status().startsWith("Saved evil.txt"), this::status);
        assertEquals(List.of("evil.txt"), app.attachmentsAsked, "the name suggested is the safe one");

        Path all = Files.createDirectories(directory.resolve("out").resolve("all"));
        app.folderAnswer = all;
        clickOn("#saveAllButton");
        await("all saved", () -> status().equals("Saved 2 attachments in " + all), this::status);
        Map<String, byte[]> written = files(directory.resolve("out"));
        assertEquals(List.of("all/bashrc[31mtxt.exe", "all/evil.txt", "chosen/evil.txt"), List.copyOf(written.keySet()),
                "nothing outside the chosen folders, no hidden file, no control or bidi character");
        assertEquals("climbing out", new String(written.get("all/evil.txt"), StandardCharsets.US_ASCII));
        assertTrue(!exists(directory.resolve("evil.txt")) && !exists(directory.resolve("out").resolve("evil.txt")));

        clickRowWith("#attachmentsTable", "txt.exe");
        clickOn("#openAttachmentButton");
        await("a program is not opened", () -> status().startsWith("Cannot open bashrc[31mtxt.exe: "), this::status);
        assertEquals(List.of(), app.opened);
    }
}
