package org.smtpmonitor.ui;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.prefs.BackingStoreException;
import java.util.prefs.Preferences;

import org.smtpmonitor.app.ReleaseTarget;
import org.smtpmonitor.app.ReleaseTarget.Security;

/**
 * What the Release… form remembers between runs: everything the user typed but the
 * password, which is never written anywhere. Kept in a {@code java.util.prefs} node (the
 * window's, see {@link WindowDesktop#node}); what a hand edit broke is ignored key by key, as
 * {@link WindowPreferences} does. Reading and writing touch files: never on the FX thread.
 *
 * @param recipients the recipients as typed (commas or spaces between them); empty for the stored envelope's
 */
record ReleaseForm(String host, int port, Security security, String user, boolean insecure, String recipients) {

    static final String HOST = "host";
    static final String PORT = "port";
    static final String SECURITY = "security";
    static final String USER = "user";
    static final String INSECURE = "insecure";
    static final String RECIPIENTS = "recipients";

    /** The form of a first run: a mail server on this machine, plain, no AUTH. */
    static final ReleaseForm FRESH = new ReleaseForm("localhost", 25, Security.PLAIN, "", false, "");

    ReleaseForm {
        host = host == null ? "" : host;
        security = security == null ? Security.PLAIN : security;
        user = user == null ? "" : user;
        recipients = recipients == null ? "" : recipients;
    }

    /** The usual port of each kind of connection: 25 (plain), 587 (STARTTLS, submission), 465 (TLS). */
    static int usualPort(Security security) {
        return switch (security) {
            case PLAIN -> 25;
            case STARTTLS -> 587;
            case TLS -> 465;
        };
    }

    /** The recipients typed, one address each; empty for the stored envelope's. */
    List<String> recipientList() {
        return Arrays.stream(recipients.split("[,;\\s]+")).filter(r -> !r.isEmpty()).toList();
    }

    /**
     * Where to release to, with the password typed now (not remembered).
     *
     * @throws IllegalArgumentException saying what is wrong (no host, a port out of range)
     */
    ReleaseTarget target(String password) {
        String login = user.isBlank() ? null : user.strip();
        return new ReleaseTarget(host.strip(), port, security, login, login == null ? null
                : password == null ? "" : password, insecure, recipientList());
    }

    static ReleaseForm read(Preferences node) {
        Security security = Security.PLAIN;
        try {
            security = Security.valueOf(node.get(SECURITY, "PLAIN").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            // Written by another version, or edited by hand: the default.
        }
        int port = node.getInt(PORT, FRESH.port());
        return new ReleaseForm(node.get(HOST, FRESH.host()), port >= 1 && port <= 65535 ? port : FRESH.port(), security,
                node.get(USER, ""), node.getBoolean(INSECURE, false), node.get(RECIPIENTS, ""));
    }

    /** Writes the form, never a password (the form holds none), then flushes. */
    void write(Preferences node) throws BackingStoreException {
        node.put(HOST, host);
        node.putInt(PORT, port);
        node.put(SECURITY, security.name());
        node.put(USER, user);
        node.putBoolean(INSECURE, insecure);
        node.put(RECIPIENTS, recipients);
        node.flush();
    }
}
