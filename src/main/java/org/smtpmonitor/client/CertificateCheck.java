package org.smtpmonitor.client;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.security.auth.x500.X500Principal;

/**
 * Checks the server's certificate during the handshake, as a {@link ServerTrust} says, so a
 * refused server is refused before a byte of mail goes out. A refusal says in one sentence
 * what was wrong, with the certificate's subject and fingerprint (a {@link Refused}): the
 * JDK's own words ("PKIX path building failed: ...") tell a person little.
 */
final class CertificateCheck extends X509ExtendedTrustManager {

    /** The refusal of a server's certificate, worded for the person at the console. */
    static final class Refused extends CertificateException {
        Refused(String message, Throwable cause) {
            super(message, cause);
        }
    }

    @FunctionalInterface
    private interface Delegated {
        void check() throws CertificateException;
    }

    /** The JDK's PKIX checks; null to skip them (pinned, or any). */
    private final X509ExtendedTrustManager authorities;
    private final Fingerprint pin;

    private CertificateCheck(X509ExtendedTrustManager authorities, Fingerprint pin) {
        this.authorities = authorities;
        this.pin = pin;
    }

    static CertificateCheck vouchedFor(X509ExtendedTrustManager authorities) {
        return new CertificateCheck(authorities, null);
    }

    static CertificateCheck pinned(Fingerprint pin) {
        return new CertificateCheck(null, pin);
    }

    static CertificateCheck anyCertificate() {
        return new CertificateCheck(null, null);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        String host = socket instanceof SSLSocket ssl ? peerHost(ssl.getHandshakeSession()) : null;
        check(chain, authType, host, () -> authorities.checkServerTrusted(chain, authType, socket));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        check(chain, authType, engine.getPeerHost(), () -> authorities.checkServerTrusted(chain, authType, engine));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain, authType, null, () -> authorities.checkServerTrusted(chain, authType));
    }

    /**
     * First whether an authority vouches for the chain, then (in {@code withHost}, which also
     * checks the host name when the connection asks for it) whether it is good for this host:
     * two checks, so that the refusal can say which of the two failed.
     */
    private void check(X509Certificate[] chain, String authType, String host, Delegated withHost)
            throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new Refused("the server sent no certificate", null);
        }
        X509Certificate certificate = chain[0];
        Fingerprint fingerprint = Fingerprint.of(certificate);
        if (pin != null) {
            if (!pin.equals(fingerprint)) {
                throw new Refused("the server's certificate is not the pinned one: its SHA-256 fingerprint is "
                        + fingerprint + ", the pin is " + pin + " (" + subject(certificate) + ")", null);
            }
            return;
        }
        if (authorities == null) {
            return;
        }
        try {
            authorities.checkServerTrusted(chain, authType);
        } catch (CertificateException e) {
            throw new Refused("the server's certificate is not trusted: " + reason(e) + " (" + subject(certificate)
                    + ", SHA-256 " + fingerprint + "); to trust it: --cafile FILE with it or its issuer, --pin with"
                    + " its fingerprint once you have checked it, or --insecure", e);
        }
        try {
            withHost.check();
        } catch (CertificateException e) {
            throw new Refused("the server's certificate is not valid for " + (host == null ? "this host" : host)
                    + ": " + reason(e) + " (" + subject(certificate) + ", SHA-256 " + fingerprint + ")", e);
        }
    }

    private static String peerHost(SSLSession session) {
        return session == null ? null : session.getPeerHost();
    }

    private static String subject(X509Certificate certificate) {
        return certificate.getSubjectX500Principal().getName(X500Principal.RFC2253);
    }

    /** The innermost reason, in fewer words where the JDK's are opaque. */
    private static String reason(CertificateException e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = root.getMessage() != null ? root.getMessage()
                : e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        if (text.contains("unable to find valid certification path")) {
            return "no authority this client trusts has signed it";
        }
        return text;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        throw new CertificateException("a client checks servers, not clients");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        throw new CertificateException("a client checks servers, not clients");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("a client checks servers, not clients");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return authorities == null ? new X509Certificate[0] : authorities.getAcceptedIssuers();
    }
}
