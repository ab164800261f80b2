package org.smtpmonitor.api;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.NoSuchFileException;
import java.util.List;
import java.util.Optional;

import org.smtpmonitor.app.MailJson;
import org.smtpmonitor.app.MailboxDirectory;
import org.smtpmonitor.message.IndexedMessage;
import org.smtpmonitor.message.ParsedMessage;
import org.smtpmonitor.message.Part;
import org.smtpmonitor.text.Json;

/**
 * The stored mail over HTTP: mailboxes, pages of messages, one message, its raw bytes and its
 * parts, delete and clear. Everything goes through {@link MailboxDirectory}, which reads only
 * the messages its index knows: no path from a request ever names a file.
 *
 * <p>A message deleted between a listing and a read is "not found" (404), never a failure.
 */
final class MailRoutes {

    /** The most messages on one page, and how many a page has when the request does not say. */
    static final int MAX_SIZE = 500;
    static final int DEFAULT_SIZE = 50;
    /** The last page asked for: its first message is then still within an int's reach of the index. */
    static final int MAX_PAGE = 1_000_000;

    private final ApiServer server;

    private MailRoutes(ApiServer server) {
        this.server = server;
    }

    /** Adds the mail routes to {@code server}. */
    static void add(ApiServer server) {
        MailRoutes routes = new MailRoutes(server);
        server.route("GET", "/api/mailboxes", routes::mailboxes);
        server.route("DELETE", "/api/mailboxes/{address}/messages", routes::clear);
        server.route("GET", "/api/messages", routes::messages, "mailbox", "q", "page", "size");
        server.route("GET", "/api/messages/{id}", routes::message);
        server.route("DELETE", "/api/messages/{id}", routes::delete);
        server.route("GET", "/api/messages/{id}/raw", routes::raw);
        server.route("GET", "/api/messages/{id}/parts/{n}", routes::part);
    }

    private void mailboxes(Request request) throws IOException, ApiException {
        request.json(200, Json.array(mail().mailboxes(), MailJson::mailbox));
    }

    private void messages(Request request) throws IOException, ApiException {
        int page = request.queryInt("page", 1, 1, MAX_PAGE);
        int size = request.queryInt("size", DEFAULT_SIZE, 1, MAX_SIZE);
        MailboxDirectory mail = mail();
        String mailbox = request.query("mailbox");
        if (mailbox != null) {
            mailbox = mailbox(mail, mailbox);
        }
        String query = request.query("q");
        int skip = (page - 1) * size;
        List<IndexedMessage> found;
        // One more than the page, to tell whether another page follows.
        if ((query == null || query.isBlank()) && mailbox != null) {
            found = mail.messages(mailbox, skip, size + 1);
        } else {
            try {
                found = mail.search(query == null ? "" : query, mailbox, skip, size + 1);
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("bad query: " + e.getMessage());
            }
        }
        boolean more = found.size() > size;
        request.json(200, Json.object().field("page", page).field("size", size).field("more", more)
                .objects("messages", more ? found.subList(0, size) : found, MailJson::message).toString());
    }

    private void message(Request request) throws IOException, ApiException {
        long id = request.id("id");
        MailboxDirectory mail = mail();
        IndexedMessage message = find(mail, id);
        ParsedMessage parsed;
        try {
            parsed = mail.parse(id);
        } catch (NoSuchFileException e) {
            throw gone(id);
        }
        request.json(200, MailJson.messageDetail(message, parsed).toString());
    }

    private void raw(Request request) throws IOException, ApiException {
        long id = request.id("id");
        MailboxDirectory mail = mail();
        find(mail, id);
        LazyBody body = new LazyBody(request, 200, "message/rfc822");
        try {
            mail.export(id, body);
        } catch (NoSuchFileException e) {
            // export reads the whole message before it writes a byte: nothing has been answered yet.
            throw gone(id);
        }
        body.finish();
    }

    private void part(Request request) throws IOException, ApiException {
        long id = request.id("id");
        String n = request.path("n");
        if (!n.matches("[1-9]\\d{0,8}")) {
            throw ApiException.badRequest("'" + n + "' is not a part number: parts are numbered from 1, as parts[].index");
        }
        MailboxDirectory mail = mail();
        find(mail, id);
        ParsedMessage parsed;
        try {
            parsed = mail.parse(id);
        } catch (NoSuchFileException e) {
            throw gone(id);
        }
        List<Part> parts = parsed.parts();
        int index = Integer.parseInt(n);
        if (index > parts.size()) {
            throw ApiException.notFound("message " + id + " has no part " + index + "; it has parts 1 to " + parts.size());
        }
        Part part = parts.get(index - 1);
        if (part.isMultipart() && !part.raw()) {
            throw ApiException.notFound("part " + index + " of message " + id + " is " + part.contentType()
                    + ", which has no body of its own: its parts follow it in parts[]");
        }
        boolean attachment = parsed.attachments().stream().anyMatch(a -> a.path().equals(part.path()));
        String disposition = PartHeaders.disposition(part, attachment);
        if (disposition != null) {
            request.exchange().getResponseHeaders().set("Content-Disposition", disposition);
        }
        // An HTML part opened in a browser must not run as the API's own page.
        request.exchange().getResponseHeaders().set("Content-Security-Policy", "sandbox; default-src 'none'");
        LazyBody body = new LazyBody(request, 200, PartHeaders.contentType(part));
        parsed.writeDecodedBody(part, body);
        body.finish();
    }

    private void delete(Request request) throws IOException, ApiException {
        long id = request.id("id");
        MailboxDirectory mail = mail();
        find(mail, id);
        int deleted = mail.delete(List.of(id));
        if (deleted == 0) {
            throw gone(id);
        }
        request.json(200, Json.object().field("deleted", deleted).toString());
    }

    private void clear(Request request) throws IOException, ApiException {
        MailboxDirectory mail = mail();
        String address = mailbox(mail, request.path("address"));
        request.json(200, Json.object().field("deleted", mail.clear(address)).toString());
    }

    private MailboxDirectory mail() throws ApiException {
        try {
            return server.monitor().mail();
        } catch (IOException e) {
            throw new ApiException(503, e.getMessage());
        }
    }

    /** The address of the mailbox {@code address} spells, in any case. */
    private static String mailbox(MailboxDirectory mail, String address) throws IOException, ApiException {
        Optional<String> found = mail.address(address);
        if (found.isEmpty()) {
            throw ApiException.notFound("no mailbox '" + address + "'");
        }
        return found.get();
    }

    private static IndexedMessage find(MailboxDirectory mail, long id) throws IOException, ApiException {
        return mail.message(id).orElseThrow(() -> gone(id));
    }

    private static ApiException gone(long id) {
        return ApiException.notFound("no message " + id);
    }

    /**
     * A response body that begins the answer at its first byte, so that a failure before it
     * can still be answered as an error; a HEAD request gets the headers only.
     */
    private static final class LazyBody extends OutputStream {

        private final Request request;
        private final int status;
        private final String contentType;
        private OutputStream out;

        LazyBody(Request request, int status, String contentType) {
            this.request = request;
            this.status = status;
            this.contentType = contentType;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return;
            }
            begin();
            out.write(b, off, len);
        }

        private void begin() throws IOException {
            if (out != null) {
                return;
            }
            if (request.method().equals("HEAD")) {
                request.bytes(status, contentType, new byte[0]);
                out = OutputStream.nullOutputStream();
            } else {
                out = request.stream(status, contentType);
            }
        }

        /** Ends the answer: an empty one if nothing was written. */
        void finish() throws IOException {
            if (out == null) {
                request.bytes(status, contentType, new byte[0]);
                return;
            }
            out.close();
        }
    }
}
