package org.smtpmonitor.tls;

import java.nio.file.Path;

/**
 * A certificate, key or keystore file that cannot serve: the message names the file and
 * what is wrong with it, such as {@code key.pem: the private key is encrypted}.
 */
public final class TlsFileException extends Exception {

    private final Path file;

    public TlsFileException(Path file, String problem) {
        this(file, problem, null);
    }

    public TlsFileException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    public Path file() {
        return file;
    }
}
