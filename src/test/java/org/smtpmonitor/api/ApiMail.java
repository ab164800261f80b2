package org.smtpmonitor.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import org.smtpmonitor.testing.RawSmtpClient;
import org.smtpmonitor.testing.TestApi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Mail for the API's tests, delivered over real SMTP, and the JSON of the answers. */
final class ApiMail {

    static final ObjectMapper JSON = new ObjectMapper();

    /** The attachment of {@link #multipart}: every byte value, so that a decoding slip shows. */
    static final byte[] ATTACHMENT = new byte[256];

    static {
        for (int i = 0; i < ATTACHMENT.length; i++) {
            ATTACHMENT[i] = (byte) i;
        }
    }

    /** The file name of the attachment: non-ASCII, with a path, quotes, a backslash and a control character. */
    static final String HOSTILE_NAME = "../r\u00e9sum\u00e9 \"q\"\\x\u0007.bin";

    private ApiMail() {
    }

    /**
     * A multipart/mixed message: an alternative of text/plain (UTF-8, quoted-printable) and
     * text/html, then the {@link #ATTACHMENT} in base64 named {@link #HOSTILE_NAME}. Parts,
     * as parts[] lists them: 1 mixed, 2 alternative, 3 plain, 4 html, 5 the attachment.
     */
    static byte[] multipart(String to, String subject) {
        String name = "=?UTF-8?B?" + Base64.getEncoder().encodeToString(HOSTILE_NAME.getBytes(StandardCharsets.UTF_8))
                + "?=";
        String text = "From: Ann <ann@client.test>\r\nTo: " + to + "\r\nSubject: " + subject + "\r\n"
                + "X-Note: =?UTF-8?Q?caf=C3=A9?=\r\n"
                + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"outer\"\r\n\r\n"
                + "--outer\r\nContent-Type: multipart/alternative; boundary=\"inner\"\r\n\r\n"
                + "--inner\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
                + "Caf=C3=A9 au lait\r\n"
                + "--inner\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
                + "<p>Caf\u00c3\u00a9 <b>au lait</b></p>\r\n"
                + "--inner--\r\n"
                + "--outer\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n"
                + "Content-Disposition: attachment; filename=\"" + name + "\"\r\n\r\n"
                + Base64.getMimeEncoder(76, new byte[] {'\r', '\n'}).encodeToString(ATTACHMENT) + "\r\n"
                + "--outer--\r\n";
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A plain message with 8-bit bytes, a line that begins with a dot and a bare-looking From line. */
    static byte[] plain(String to, String subject, String body) {
        return ("From: ann@client.test\r\nTo: " + to + "\r\nSubject: " + subject + "\r\n\r\n" + body + "\r\n"
                + ".leading dot\r\nFrom here\r\n\u00e9t\u00e9 (latin-1 bytes)\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Sends {@code message} to {@code recipients} over SMTP in one transaction, dot-stuffed, and waits until the index has it. */
    static void send(TestApi api, List<String> recipients, byte[] message) throws IOException, InterruptedException {
        try (RawSmtpClient client = api.monitor().ehloClient()) {
            String reply = client.sendMessage("ann@client.test", recipients, dotStuffed(message));
            assertTrue(reply.startsWith("250"), reply);
        }
        api.monitor().monitor().store().awaitIndexed();
    }

    private static byte[] dotStuffed(byte[] message) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        boolean lineStart = true;
        for (byte b : message) {
            if (lineStart && b == '.') {
                out.write('.');
            }
            out.write(b);
            lineStart = b == '\n';
        }
        return out.toByteArray();
    }

    /** The JSON of a response, after checking its status and that it is JSON. */
    static JsonNode json(HttpResponse<String> response, int status) throws IOException {
        assertEquals(status, response.statusCode(), response.uri() + ": " + response.body());
        assertEquals("application/json; charset=utf-8", response.headers().firstValue("Content-Type").orElse(""));
        return JSON.readTree(response.body());
    }

    /** The reason of an error response, after checking its status. */
    static String error(HttpResponse<String> response, int status) throws IOException {
        JsonNode error = json(response, status);
        assertTrue(error.hasNonNull("error"), response.body());
        return error.get("error").asText();
    }

    /** The ids of {@code messages} (a JSON array of messages), in order. */
    static List<Long> ids(JsonNode messages) {
        List<Long> ids = new ArrayList<>();
        messages.forEach(m -> ids.add(m.get("id").asLong()));
        return ids;
    }
}
