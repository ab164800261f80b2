package org.smtpmonitor.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** A certificate and its key in a PKCS#12 keystore ({@code .p12}, {@code .pfx}), read by the JDK. */
public final class Pkcs12Keystore {

    private Pkcs12Keystore() {
    }

    /** The first key entry of {@code file}, whose key has the keystore's password. */
    public static ServerCredentials load(Path file, char[] password) throws TlsFileException {
        KeyStore store;
        try (InputStream in = Files.newInputStream(file)) {
            store = KeyStore.getInstance("PKCS12");
            store.load(in, password);
        } catch (NoSuchFileException e) {
            throw new TlsFileException(file, "no such file", e);
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException) {
                throw new TlsFileException(file, "wrong password (see --tls-keystore-password)", e);
            }
            throw new TlsFileException(file, "not a PKCS12 keystore: " + e.getMessage(), e);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new TlsFileException(file, "not a PKCS12 keystore: " + e.getMessage(), e);
        }
        try {
            for (String alias : Collections.list(store.aliases())) {
                if (!store.isKeyEntry(alias)) {
                    continue;
                }
                Key key = store.getKey(alias, password);
                Certificate[] chain = store.getCertificateChain(alias);
                if (!(key instanceof PrivateKey privateKey) || chain == null || chain.length == 0) {
                    continue;
                }
                List<X509Certificate> certificates = new ArrayList<>();
                for (Certificate certificate : chain) {
                    if (!(certificate instanceof X509Certificate x509)) {
                        throw new TlsFileException(file, "the certificate of '" + alias + "' is not X.509");
                    }
                    certificates.add(x509);
                }
                return new ServerCredentials(privateKey, certificates);
            }
        } catch (UnrecoverableKeyException e) {
            throw new TlsFileException(file, "the private key's password is not the keystore's", e);
        } catch (GeneralSecurityException e) {
            throw new TlsFileException(file, "the keystore cannot be read: " + e.getMessage(), e);
        }
        throw new TlsFileException(file, "no private key with its certificate in it");
    }
}
