package org.smtpmonitor.client;

import java.io.EOFException;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.security.auth.x500.X500Principal;

/**
 * The TLS side of our clients, in one place: an {@link SSLContext} that speaks TLS 1.3 and
 * 1.2 only and trusts servers as a {@link ServerTrust} says, checking the host name (RFC
 * 6125, as HTTPS does) unless the trust is a pin or none; an {@code SSLSocket} layer for
 * the blocking clients, an {@link SSLEngine} for the benchmark's event loop; and what a
 * handshake gave, or why it failed, in words.
 */
public final class TlsClient {

    /** TLS 1.0 and 1.1 are deprecated (RFC 8996), and SSL long gone. */
    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private final ServerTrust trust;
    private final SSLContext context;

    public TlsClient(ServerTrust trust) {
        this.trust = trust;
        try {
            context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {trust.trustManager()}, null);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot make a TLS client: " + e.getMessage(), e);
        }
    }

    /**
     * The layer that secures a blocking connection to {@code host:port} with an
     * {@code SSLSocket} over it. The socket's read timeout bounds the handshake too.
     */
    public TlsLayer socketLayer(String host, int port) {
        return plain -> {
            long started = System.nanoTime();
            SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(plain, host, port, true);
            try {
                socket.setSSLParameters(parameters(socket.getSSLParameters()));
                socket.startHandshake();
                TlsHandshake handshake = handshake(socket.getSession(), System.nanoTime() - started);
                return new TlsLayer.Secured(socket, socket.getInputStream(), socket.getOutputStream(), handshake);
            } catch (SSLException | EOFException e) {
                socket.close();
                throw failure(e, host, port);
            } catch (IOException | RuntimeException e) {
                socket.close();
                throw e;
            }
        };
    }

    /** An engine in client mode for {@code host:port} (the name for SNI and the host name check). */
    public SSLEngine engine(String host, int port) {
        SSLEngine engine = context.createSSLEngine(host, port);
        engine.setUseClientMode(true);
        engine.setSSLParameters(parameters(engine.getSSLParameters()));
        return engine;
    }

    private SSLParameters parameters(SSLParameters parameters) {
        parameters.setProtocols(PROTOCOLS);
        if (trust.checksHostName()) {
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
        }
        return parameters;
    }

    /** What a finished handshake agreed, and the server's certificate. */
    static TlsHandshake handshake(SSLSession session, long nanos) throws SSLException {
        Certificate[] chain = session.getPeerCertificates();
        X509Certificate certificate = (X509Certificate) chain[0];
        return new TlsHandshake(session.getProtocol(), session.getCipherSuite(),
                certificate.getSubjectX500Principal().getName(X500Principal.RFC2253), Fingerprint.of(certificate), nanos);
    }

    /**
     * A failed handshake in one sentence: the certificate's refusal as {@link CertificateCheck}
     * worded it, or the JDK's reason with a hint where one helps.
     */
    static TlsException failure(IOException e, String host, int port) {
        String where = "TLS with " + host + ":" + port + " failed: ";
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof CertificateCheck.Refused refused) {
                return new TlsException(where + refused.getMessage(), e);
            }
        }
        String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (reason.contains("Unsupported or unrecognized SSL message")) {
            reason += " (the server does not speak TLS on this port: with --tls it must from the first byte;"
                    + " STARTTLS servers take --starttls)";
        } else if (reason.contains("protocol_version") || reason.contains("handshake_failure")) {
            reason += " (this client speaks TLS 1.2 and 1.3 only)";
        }
        return new TlsException(where + reason, e);
    }
}
