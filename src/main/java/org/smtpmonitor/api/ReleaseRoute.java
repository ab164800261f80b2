package org.smtpmonitor.api;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.smtpmonitor.app.MailboxDirectory;
import org.smtpmonitor.app.ReleaseOutcome;
import org.smtpmonitor.app.ReleaseTarget;
import org.smtpmonitor.text.Json;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * {@code POST /api/messages/{id}/release}: sends a stored message on to a real SMTP server
 * ({@link MailboxDirectory#release}) and answers what became of it, with the conversation.
 *
 * <p>The body is {@code {"host","port","security":"plain|starttls|tls","user","password",
 * "insecure","to":[...]}}; only {@code host} is required (port 25, plain, no AUTH, trusted
 * certificates only, the stored envelope's recipients). The password is used and forgotten:
 * no answer, error or log holds it, which is why a body that is not JSON is refused without
 * quoting it.
 */
final class ReleaseRoute {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> FIELDS = Set.of("host", "port", "security", "user", "password", "insecure", "to");

    private final ApiServer server;

    private ReleaseRoute(ApiServer server) {
        this.server = server;
    }

    static void add(ApiServer server) {
        server.route("POST", "/api/messages/{id}/release", new ReleaseRoute(server)::release);
    }

    private void release(Request request) throws IOException, ApiException {
        long id = request.id("id");
        ReleaseTarget target = target(request.body());
        MailboxDirectory opened;
        try {
            opened = server.monitor().mail();
        } catch (IOException e) {
            // No index: as the other mail routes say it (503), not a failure of the server.
            throw new ApiException(503, e.getMessage());
        }
        try (MailboxDirectory mail = opened) {
            if (mail.message(id).isEmpty()) {
                throw ApiException.notFound("no message " + id);
            }
            ReleaseOutcome outcome;
            try {
                outcome = mail.release(id, target);
            } catch (NoSuchFileException e) {
                throw ApiException.notFound("no message " + id);
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest(e.getMessage());
            }
            request.json(200, json(outcome).toString());
        }
    }

    static Json.Fields json(ReleaseOutcome outcome) {
        return Json.object().field("delivered", outcome.delivered()).field("accepted", outcome.accepted())
                .objects("refused", outcome.refusals(),
                        r -> Json.object().field("address", r.address()).field("reply", r.reply()))
                .field("transcript", outcome.transcript()).field("summary", outcome.summary());
    }

    /** The target the body asks for; a field missing or of the wrong kind is a 400 that names it. */
    static ReleaseTarget target(byte[] body) throws ApiException {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            // Not e.getMessage(): it quotes the body, which may hold the password.
            JsonLocation where = e.getLocation();
            throw ApiException.badRequest("the body is not well-formed JSON" + (where == null ? ""
                    : " (line " + where.getLineNr() + ", column " + where.getColumnNr() + ")"));
        } catch (IOException e) {
            throw ApiException.badRequest("the body could not be read as JSON");
        }
        if (root == null || root.isMissingNode() || !root.isObject()) {
            throw ApiException.badRequest("the body must be a JSON object such as {\"host\":\"smtp.example.org\","
                    + "\"port\":587,\"security\":\"starttls\"}");
        }
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw ApiException.badRequest("unknown field '" + name + "'; the fields are host, port, security,"
                        + " user, password, insecure, to");
            }
        }
        String host = text(root, "host");
        if (host == null || host.isBlank()) {
            throw ApiException.badRequest("host is missing: the SMTP server to release to");
        }
        int port = 25;
        JsonNode portNode = root.get("port");
        if (portNode != null && !portNode.isNull()) {
            if (!portNode.canConvertToInt() || !portNode.isIntegralNumber() || portNode.intValue() < 1
                    || portNode.intValue() > 65535) {
                throw ApiException.badRequest("port must be a whole number from 1 to 65535");
            }
            port = portNode.intValue();
        }
        ReleaseTarget.Security security = security(text(root, "security"));
        String user = text(root, "user");
        String password = text(root, "password");
        if (user != null && user.isEmpty()) {
            throw ApiException.badRequest("user is empty: leave it out for no AUTH");
        }
        if (user != null && password == null) {
            throw ApiException.badRequest("password is missing: user needs one");
        }
        if (user == null && password != null) {
            throw ApiException.badRequest("user is missing: password needs one");
        }
        boolean insecure = false;
        JsonNode insecureNode = root.get("insecure");
        if (insecureNode != null && !insecureNode.isNull()) {
            if (!insecureNode.isBoolean()) {
                throw ApiException.badRequest("insecure must be true or false");
            }
            insecure = insecureNode.booleanValue();
        }
        List<String> to = new ArrayList<>();
        JsonNode toNode = root.get("to");
        if (toNode != null && !toNode.isNull()) {
            if (!toNode.isArray()) {
                throw ApiException.badRequest("to must be an array of addresses");
            }
            for (JsonNode address : toNode) {
                if (!address.isTextual()) {
                    throw ApiException.badRequest("to must be an array of addresses (strings)");
                }
                to.add(address.textValue());
            }
        }
        try {
            return new ReleaseTarget(host, port, security, user, password, insecure, to);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    private static ReleaseTarget.Security security(String name) throws ApiException {
        if (name == null) {
            return ReleaseTarget.Security.PLAIN;
        }
        Map<String, ReleaseTarget.Security> named = Map.of("plain", ReleaseTarget.Security.PLAIN,
                "starttls", ReleaseTarget.Security.STARTTLS, "tls", ReleaseTarget.Security.TLS);
        ReleaseTarget.Security security = named.get(name.toLowerCase(Locale.ROOT));
        if (security == null) {
            throw ApiException.badRequest("security must be plain, starttls or tls");
        }
        return security;
    }

    /** The text of field {@code name}, or null when it is absent or null; any other kind is a 400. */
    private static String text(JsonNode root, String name) throws ApiException {
        JsonNode node = root.get(name);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw ApiException.badRequest(name + " must be a string");
        }
        return node.textValue();
    }
}
