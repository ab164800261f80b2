package org.smtpmonitor.tls;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A self-signed certificate for the server's domain, made with BouncyCastle, for a server
 * given no certificate: clients pin it or are told to trust it (curl {@code -k}).
 *
 * <p>The key is EC P-256: made in milliseconds (an RSA 2048 key takes 0.4 to 1.4 s here,
 * at every first start in a new directory), and accepted by every TLS 1.2 and 1.3 client.
 */
public final class SelfSignedCertificate {

    /**
     * 825 days: the longest that Apple's platforms accept for a server certificate
     * trusted by hand, so pinning it works everywhere; a new one is made once it expires.
     */
    static final Duration VALIDITY = Duration.ofDays(825);

    private SelfSignedCertificate() {
    }

    /**
     * A new key and a certificate for {@code domain}, {@code localhost}, 127.0.0.1 and ::1,
     * valid from a day before {@code now} (clocks differ) for {@link #VALIDITY}.
     */
    public static ServerCredentials generate(String domain, Instant now) throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = generator.generateKeyPair();
        X500Name name = new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.O, "smtp-monitor")
                .addRDN(BCStyle.CN, domain)
                .build();
        // Positive and at most 20 bytes (RFC 5280 4.1.2.2); random, so that no two are alike.
        BigInteger serial = new BigInteger(64, new SecureRandom()).setBit(63);
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, serial,
                Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(VALIDITY)), name, pair.getPublic());
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            extensions.createSubjectKeyIdentifier(pair.getPublic()))
                    .addExtension(Extension.authorityKeyIdentifier, false,
                            extensions.createAuthorityKeyIdentifier(pair.getPublic()))
                    .addExtension(Extension.subjectAlternativeName, false, alternativeNames(domain));
            X509Certificate certificate = new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
            return new ServerCredentials(pair.getPrivate(), List.of(certificate));
        } catch (CertIOException | OperatorCreationException e) {
            throw new GeneralSecurityException("cannot make a certificate for " + domain + ": " + e.getMessage(), e);
        }
    }

    private static GeneralNames alternativeNames(String domain) {
        Set<String> names = new LinkedHashSet<>(List.of(domain, "localhost"));
        GeneralName[] all = new GeneralName[names.size() + 2];
        int i = 0;
        for (String dnsName : names) {
            all[i++] = new GeneralName(GeneralName.dNSName, dnsName);
        }
        all[i++] = new GeneralName(GeneralName.iPAddress, "127.0.0.1");
        all[i] = new GeneralName(GeneralName.iPAddress, "::1");
        return new GeneralNames(all);
    }
}
