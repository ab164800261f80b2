package org.smtpmonitor.tls;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/**
 * What the server proves itself with: its private key and its certificate chain, the
 * server's own certificate first.
 */
public record ServerCredentials(PrivateKey key, List<X509Certificate> chain) {

    /** A subject alternative name's type for a DNS name (RFC 5280, GeneralName). */
    private static final int DNS_NAME = 2;

    public ServerCredentials {
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("a certificate chain needs at least the server's certificate");
        }
        chain = List.copyOf(chain);
    }

    public X509Certificate certificate() {
        return chain.get(0);
    }

    /**
     * The SHA-256 of the server's certificate as {@code openssl x509 -noout -fingerprint
     * -sha256} prints it: upper-case hex pairs joined by colons.
     */
    public String fingerprint() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate().getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    /**
     * Whether the certificate still serves {@code domain}: it names it (a DNS subject
     * alternative name, as {@link SelfSignedCertificate} writes them) and is valid from
     * {@code now} until at least a day after.
     */
    public boolean serves(String domain, Instant now) {
        X509Certificate certificate = certificate();
        if (certificate.getNotAfter().toInstant().isBefore(now.plus(Duration.ofDays(1)))
                || certificate.getNotBefore().toInstant().isAfter(now)) {
            return false;
        }
        try {
            Collection<List<?>> names = certificate.getSubjectAlternativeNames();
            if (names == null) {
                return false;
            }
            for (List<?> name : names) {
                if (Integer.valueOf(DNS_NAME).equals(name.get(0)) && domain.equalsIgnoreCase(String.valueOf(name.get(1)))) {
                    return true;
                }
            }
            return false;
        } catch (CertificateParsingException e) {
            return false;
        }
    }

    /**
     * A TLS context that presents these credentials; which protocols a connection may use
     * is the server's choice, made on each engine.
     *
     * <p>Made for a start, so made cheaply: the key goes into an in-memory JKS keystore, whose
     * key protection is a few SHA-1 rounds, where PKCS#12's is 10,000 rounds of PBKDF2 each
     * way (a fifth of a second of a cold start, with the JIT compiling SHA-256 for it); and no
     * trust store is read, since the server asks no client for a certificate (without trust
     * managers given, the JDK would parse its whole {@code cacerts} for nothing).
     */
    public SSLContext sslContext() throws GeneralSecurityException {
        // The key lives only in this in-memory keystore, so its password protects nothing.
        char[] password = "in-memory".toCharArray();
        KeyStore store = KeyStore.getInstance("JKS");
        try {
            store.load(null, null);
        } catch (IOException e) {
            throw new GeneralSecurityException("cannot make an empty keystore", e);
        }
        store.setKeyEntry("server", key, password, chain.toArray(new Certificate[0]));
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, password);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), new TrustManager[0], null);
        return context;
    }
}
