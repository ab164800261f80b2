package org.smtpmonitor.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Instant;

import org.smtpmonitor.tls.PemFiles;
import org.smtpmonitor.tls.Pkcs12Keystore;
import org.smtpmonitor.tls.SelfSignedCertificate;
import org.smtpmonitor.tls.ServerCredentials;
import org.smtpmonitor.tls.TlsFileException;

/**
 * The server's certificate and key: from the files the user gave, or else self-signed for
 * the domain, made at the first start and kept in {@code .smtp-monitor/tls/} of the
 * mailbox directory, so that its fingerprint stays the same across restarts (clients pin
 * it). A kept certificate that has expired, or names another domain, is replaced.
 *
 * @param origin where it comes from, in words for the log
 */
public record TlsCertificate(ServerCredentials credentials, String origin) {

    /** Where the self-signed certificate is kept, under the mailbox directory. */
    public static final Path FOLDER = Path.of(".smtp-monitor", "tls");
    public static final String CERTIFICATE_FILE = "certificate.pem";
    public static final String KEY_FILE = "private-key.pem";

    /**
     * What a user checks of the certificate before trusting or pinning it.
     *
     * @param fingerprint its SHA-256, as {@code openssl x509 -fingerprint -sha256} prints it
     * @param subject     its subject's distinguished name, such as {@code CN=localhost}
     * @param origin      where it comes from, in words
     */
    public record Summary(String fingerprint, String subject, Instant notBefore, Instant notAfter, String origin) {
    }

    public Summary summary() {
        X509Certificate certificate = credentials.certificate();
        return new Summary(credentials.fingerprint(), certificate.getSubjectX500Principal().getName(),
                certificate.getNotBefore().toInstant(), certificate.getNotAfter().toInstant(), origin);
    }

    /**
     * The certificate that {@code settings} name, or the self-signed one of
     * {@code mailboxDirectory} for {@code domain} (made now if there is none that serves).
     *
     * @throws TlsFileException when a file is missing or cannot serve, saying which and why
     */
    public static TlsCertificate load(TlsSettings settings, Path mailboxDirectory, String domain, Instant now)
            throws TlsFileException, IOException, GeneralSecurityException {
        if (settings.keystore() != null) {
            return new TlsCertificate(Pkcs12Keystore.load(settings.keystore(), settings.keystorePassword().toCharArray()),
                    "from " + settings.keystore());
        }
        if (settings.certificate() != null) {
            return new TlsCertificate(PemFiles.load(settings.certificate(), settings.key()),
                    "from " + settings.certificate());
        }
        return selfSigned(mailboxDirectory, domain, now);
    }

    private static TlsCertificate selfSigned(Path mailboxDirectory, String domain, Instant now)
            throws TlsFileException, IOException, GeneralSecurityException {
        Path folder = folder(mailboxDirectory);
        Path certificateFile = folder.resolve(CERTIFICATE_FILE);
        Path keyFile = folder.resolve(KEY_FILE);
        String kept = "self-signed for " + domain + ", kept in " + FOLDER;
        if (Files.isRegularFile(certificateFile, LinkOption.NOFOLLOW_LINKS)
                && Files.isRegularFile(keyFile, LinkOption.NOFOLLOW_LINKS)) {
            ServerCredentials credentials = PemFiles.load(certificateFile, keyFile);
            if (credentials.serves(domain, now)) {
                return new TlsCertificate(credentials, kept);
            }
        }
        ServerCredentials credentials = SelfSignedCertificate.generate(domain, now);
        // The key first: a certificate on disk is then never without its key. Both are
        // written beside and renamed, in files only the owner can read.
        AtomicFiles.write(keyFile, out -> out.write(PemFiles.pem(credentials.key()).getBytes(StandardCharsets.US_ASCII)));
        AtomicFiles.write(certificateFile,
                out -> out.write(PemFiles.pem(credentials.certificate()).getBytes(StandardCharsets.US_ASCII)));
        return new TlsCertificate(credentials, kept + " (made now)");
    }

    /** The folder, made step by step and never through a symbolic link, which could lead the key out of the directory. */
    private static Path folder(Path mailboxDirectory) throws IOException {
        Path folder = mailboxDirectory.toAbsolutePath().normalize();
        for (Path step : FOLDER) {
            folder = folder.resolve(step);
            if (Files.isSymbolicLink(folder)) {
                throw new IOException(folder + " is a symbolic link; smtp-monitor writes only inside the mailbox directory");
            }
            Files.createDirectories(folder);
        }
        return folder;
    }
}
