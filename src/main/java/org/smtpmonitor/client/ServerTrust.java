package org.smtpmonitor.client;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Which server certificates a client accepts: those the JDK's trusted authorities vouch
 * for (the default), those the certificates of a PEM file vouch for, the one certificate a
 * fingerprint names, or any at all.
 */
public final class ServerTrust {

    private enum Kind { SYSTEM, CA_FILE, PINNED, ANY }

    private final Kind kind;
    /** The certificates of a CA file; empty otherwise. */
    private final List<X509Certificate> anchors;
    /** The pinned fingerprint; null otherwise. */
    private final Fingerprint pin;

    private ServerTrust(Kind kind, List<X509Certificate> anchors, Fingerprint pin) {
        this.kind = kind;
        this.anchors = List.copyOf(anchors);
        this.pin = pin;
    }

    /** The JDK's default trust store (its cacerts, or what javax.net.ssl.trustStore names). */
    public static ServerTrust system() {
        return new ServerTrust(Kind.SYSTEM, List.of(), null);
    }

    /** Any certificate: the session is encrypted but the server unchecked, so anyone in between may read it. */
    public static ServerTrust any() {
        return new ServerTrust(Kind.ANY, List.of(), null);
    }

    /** Exactly the certificate with this fingerprint, whoever signed it and whatever host it names. */
    public static ServerTrust pinned(Fingerprint pin) {
        return new ServerTrust(Kind.PINNED, List.of(), pin);
    }

    /**
     * The certificates in a PEM file (one or more {@code -----BEGIN CERTIFICATE-----}
     * blocks): a server's certificate is trusted if one of them issued it, or it is one of them.
     *
     * @throws IOException saying what is wrong with the file, which it names
     */
    public static ServerTrust caFile(Path file) throws IOException {
        Collection<? extends Certificate> certificates;
        try (InputStream in = Files.newInputStream(file)) {
            certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
        } catch (NoSuchFileException e) {
            throw new IOException(file + ": no such file", e);
        } catch (CertificateException e) {
            throw new IOException(file + ": not a certificate file (PEM: -----BEGIN CERTIFICATE-----): "
                    + e.getMessage(), e);
        }
        List<X509Certificate> anchors = new ArrayList<>();
        for (Certificate certificate : certificates) {
            anchors.add((X509Certificate) certificate);
        }
        if (anchors.isEmpty()) {
            throw new IOException(file + ": no certificate in it (PEM: -----BEGIN CERTIFICATE-----)");
        }
        return new ServerTrust(Kind.CA_FILE, anchors, null);
    }

    /**
     * Whether the certificate must name the host connected to (RFC 6125): it must when an
     * authority vouches for it; not when pinned, since the pin names the certificate itself.
     */
    public boolean checksHostName() {
        return kind == Kind.SYSTEM || kind == Kind.CA_FILE;
    }

    /** The trust manager that applies this trust, explaining each refusal (see {@link CertificateCheck}). */
    TrustManager trustManager() throws GeneralSecurityException {
        return switch (kind) {
            case SYSTEM -> CertificateCheck.vouchedFor(authorities(null));
            case CA_FILE -> CertificateCheck.vouchedFor(authorities(anchorStore()));
            case PINNED -> CertificateCheck.pinned(pin);
            case ANY -> CertificateCheck.anyCertificate();
        };
    }

    private KeyStore anchorStore() throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        try {
            store.load(null, null);
        } catch (IOException e) {
            throw new IllegalStateException("an empty key store cannot fail to load", e);
        }
        for (int i = 0; i < anchors.size(); i++) {
            store.setCertificateEntry("anchor-" + i, anchors.get(i));
        }
        return store;
    }

    /** The JDK's PKIX trust manager over {@code store} (the default trust store when null). */
    private static X509ExtendedTrustManager authorities(KeyStore store) throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        for (TrustManager manager : factory.getTrustManagers()) {
            if (manager instanceof X509ExtendedTrustManager extended) {
                return extended;
            }
        }
        throw new GeneralSecurityException("the JDK's " + factory.getAlgorithm() + " trust manager checks no X.509 certificates");
    }
}
