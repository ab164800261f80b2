package org.smtpmonitor.ui;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import java.util.function.Supplier;

import javafx.scene.control.ContextMenu;
import javafx.scene.control.MenuItem;
import javafx.scene.control.Tooltip;

/**
 * The tool bar's HTTP API entry ({@code --http-port}): the API's address, and a "Copy curl"
 * button that puts a working example on the clipboard, a request for the messages of the
 * mailbox on view. When the API was asked for but could not start (its port in use), a banner
 * says so instead; when it is off, nothing shows.
 *
 * <p>The copied line carries the real bearer token when there is one, so that it works when
 * pasted: the user gave that token on their own command line. What is shown on screen (the
 * tooltip) masks it, so that a screenshot or a shared screen does not.
 */
final class ApiStatus {

    /** Stands for the token wherever the line is shown rather than copied. */
    static final String MASK = "\u2022\u2022\u2022\u2022";

    private ApiStatus() {
    }

    /**
     * @param url     the running API's address, such as {@code http://127.0.0.1:8025}; null when it is off
     * @param token   the bearer token it asks for, or null
     * @param problem why the API asked for could not start, or null
     * @param mailbox the address of the mailbox an example should list (the one on view), or null for none
     * @param message says in the status bar what was copied
     */
    static void install(MainController controller, String url, String token, String problem, Supplier<String> mailbox,
                        Consumer<String> message) {
        boolean on = url != null;
        controller.apiLabel.setVisible(on);
        controller.apiLabel.setManaged(on);
        controller.copyCurlButton.setVisible(on);
        controller.copyCurlButton.setManaged(on);
        controller.apiSeparator.setVisible(on);
        controller.apiSeparator.setManaged(on);
        if (on) {
            controller.apiLabel.setText("API " + url);
            Tooltip tooltip = new Tooltip();
            // The mailbox on view may change: the tooltip tells the line of the moment it shows.
            tooltip.setOnShowing(e -> tooltip.setText("The HTTP API" + (token == null ? "" : " (bearer token required)")
                    + "; Copy curl copies:\n" + curl(url, token == null ? null : MASK, mailbox.get())));
            controller.apiLabel.setTooltip(tooltip);
            controller.copyCurlButton.setTooltip(tooltip);
            Runnable copyCurl = () -> {
                WindowActions.copyText(curl(url, token, mailbox.get()));
                message.accept("Copied a curl command line for the HTTP API");
            };
            controller.copyCurlButton.setOnAction(e -> copyCurl.run());
            MenuItem copyCurlItem = new MenuItem("Copy curl command line");
            copyCurlItem.setId("copyCurlItem");
            copyCurlItem.setOnAction(e -> copyCurl.run());
            MenuItem copyAddress = new MenuItem("Copy address");
            copyAddress.setId("copyApiAddressItem");
            copyAddress.setOnAction(e -> {
                WindowActions.copyText(url);
                message.accept("Copied the HTTP API's address");
            });
            controller.apiLabel.setContextMenu(new ContextMenu(copyCurlItem, copyAddress));
        }
        if (problem != null) {
            controller.apiProblemLabel.setText("The HTTP API is not running: " + problem
                    + ". The SMTP server runs without it.");
            controller.apiBanner.setVisible(true);
            controller.apiBanner.setManaged(true);
        }
    }

    /**
     * A curl command line that lists {@code mailbox}'s messages (all mailboxes when null),
     * with the bearer token when there is one; quoted for a POSIX shell.
     */
    static String curl(String url, String token, String mailbox) {
        String path = mailbox == null ? "/api/mailboxes" : "/api/messages?mailbox=" + query(mailbox);
        return "curl -s" + (token == null ? "" : " -H " + shellQuoted("Authorization: Bearer " + token))
                + " " + shellQuoted(url + path);
    }

    /**
     * An address as it goes in a query: as it is when that is safe, else percent-encoded. A
     * {@code +} is not safe: the API reads it as a space, as in a form.
     */
    private static String query(String value) {
        return value.matches("[A-Za-z0-9._@-]+") ? value : URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String shellQuoted(String text) {
        return "'" + text.replace("'", "'\\''") + "'";
    }
}
