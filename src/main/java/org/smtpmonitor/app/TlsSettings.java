package org.smtpmonitor.app;

import java.nio.file.Path;

import org.smtpmonitor.server.TlsConfig;

/**
 * What the user set about TLS. Without a certificate (neither {@code certificate} and
 * {@code key}, nor {@code keystore}) the server makes a self-signed one for its domain and
 * keeps it in the mailbox directory.
 *
 * @param implicitPort     the port of implicit TLS (465 by convention; 0 picks a free one), or
 *                         {@link TlsConfig#NO_IMPLICIT_PORT} for none
 * @param certificate      a PEM file of the certificate chain, or null
 * @param key              the PEM file of its private key, or null
 * @param keystore         a PKCS12 keystore holding both, or null
 * @param keystorePassword the keystore's password (empty for none)
 * @param required         MAIL is refused (530) before STARTTLS
 */
public record TlsSettings(int implicitPort, Path certificate, Path key, Path keystore, String keystorePassword,
                          boolean required) {

    public TlsSettings {
        if ((certificate == null) != (key == null)) {
            throw new IllegalArgumentException("a certificate file needs its key file, and a key file its certificate");
        }
        if (keystore != null && certificate != null) {
            throw new IllegalArgumentException("a keystore or a certificate and key, not both");
        }
        keystorePassword = keystorePassword == null ? "" : keystorePassword;
    }

    /** STARTTLS with a self-signed certificate, no implicit-TLS port, nothing required. */
    public static TlsSettings defaults() {
        return new TlsSettings(TlsConfig.NO_IMPLICIT_PORT, null, null, null, "", false);
    }

    public TlsSettings withImplicitPort(int port) {
        return new TlsSettings(port, certificate, key, keystore, keystorePassword, required);
    }

    public TlsSettings withRequired(boolean tlsRequired) {
        return new TlsSettings(implicitPort, certificate, key, keystore, keystorePassword, tlsRequired);
    }

    public TlsSettings withPemFiles(Path certificateFile, Path keyFile) {
        return new TlsSettings(implicitPort, certificateFile, keyFile, null, keystorePassword, required);
    }

    public TlsSettings withKeystore(Path keystoreFile, String password) {
        return new TlsSettings(implicitPort, null, null, keystoreFile, password, required);
    }

    /** Never shows the password. */
    @Override
    public String toString() {
        return "TlsSettings[implicitPort=" + implicitPort + ", certificate=" + certificate + ", key=" + key
                + ", keystore=" + keystore + ", keystorePassword=" + (keystorePassword.isEmpty() ? "" : "****")
                + ", required=" + required + "]";
    }
}
