package org.smtpmonitor.ui;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.function.Consumer;

import javafx.beans.binding.Bindings;
import javafx.beans.value.ObservableValue;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.Label;
import javafx.scene.control.MenuItem;
import javafx.scene.control.Tooltip;

import org.smtpmonitor.app.TlsCertificate;
import org.smtpmonitor.event.EventText;
import org.smtpmonitor.event.TlsReady;
import org.smtpmonitor.text.Printable;

/**
 * The status bar's TLS entry: the server certificate's SHA-256 fingerprint, shortened, and the
 * implicit-TLS address while the server offers one; the whole certificate (fingerprint, subject,
 * validity, origin) in its tooltip; a context menu that copies the fingerprint, for a client to
 * pin, or all of it. What it shows is in memory (the monitor's certificate, the server's
 * {@link TlsReady}): nothing is read on the FX thread.
 */
final class TlsStatus {

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private TlsStatus() {
    }

    /**
     * @param offered     what the running server offers; null while it is stopped
     * @param certificate the monitor's certificate
     * @param message     says in the status bar what was copied
     */
    static void install(Label label, ObservableValue<TlsReady> offered, TlsCertificate.Summary certificate,
                        Consumer<String> message) {
        label.textProperty().bind(Bindings.createStringBinding(() -> text(offered.getValue(), certificate), offered));
        Tooltip tooltip = new Tooltip();
        tooltip.textProperty().bind(Bindings.createStringBinding(
                () -> details(offered.getValue(), certificate, Instant.now()) + "\nRight-click to copy", offered));
        label.setTooltip(tooltip);
        MenuItem copyFingerprint = new MenuItem("Copy SHA-256 fingerprint");
        copyFingerprint.setId("copyFingerprintItem");
        copyFingerprint.setOnAction(e -> {
            WindowActions.copyText(certificate.fingerprint());
            message.accept("Copied the TLS certificate's SHA-256 fingerprint");
        });
        MenuItem copyDetails = new MenuItem("Copy certificate details");
        copyDetails.setId("copyCertificateItem");
        copyDetails.setOnAction(e -> {
            WindowActions.copyText(details(offered.getValue(), certificate, Instant.now()));
            message.accept("Copied the TLS certificate's details");
        });
        label.setContextMenu(new ContextMenu(copyFingerprint, copyDetails));
    }

    /** {@code TLS SHA-256 3F:A2:1B:C4…77:9C}, and where implicit TLS is taken while the server offers it. */
    static String text(TlsReady offered, TlsCertificate.Summary certificate) {
        String text = "TLS SHA-256 " + shortened(certificate.fingerprint());
        if (offered != null && offered.implicitTlsAddress() != null) {
            text += " \u00b7 implicit on " + EventText.address(offered.implicitTlsAddress());
        }
        return text;
    }

    /** The certificate, one fact a line: what the tooltip shows and "Copy certificate details" copies. */
    static String details(TlsReady offered, TlsCertificate.Summary certificate, Instant now) {
        StringBuilder text = new StringBuilder("The server's TLS certificate\n")
                .append("SHA-256 ").append(certificate.fingerprint()).append('\n')
                .append("Subject ").append(Printable.escape(certificate.subject())).append('\n')
                .append("Valid ").append(DAY.format(certificate.notBefore())).append(" to ")
                .append(DAY.format(certificate.notAfter()))
                .append(now.isAfter(certificate.notAfter()) ? " (expired)" : "").append('\n')
                .append(Printable.escape(certificate.origin()));
        if (offered == null) {
            text.append("\nNot offered now: the server is stopped");
        } else if (offered.implicitTlsAddress() != null) {
            text.append("\nImplicit TLS on ").append(EventText.address(offered.implicitTlsAddress()));
        }
        return text.toString();
    }

    /** The first four and the last two bytes: enough to tell certificates apart at a glance. */
    static String shortened(String fingerprint) {
        return fingerprint.length() <= 18 ? fingerprint
                : fingerprint.substring(0, 11) + "\u2026" + fingerprint.substring(fingerprint.length() - 5);
    }
}
