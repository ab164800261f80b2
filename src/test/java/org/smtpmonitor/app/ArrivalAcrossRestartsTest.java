package org.smtpmonitor.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.event.SessionAuthenticated;
import org.smtpmonitor.event.TlsStarted;
import org.smtpmonitor.message.Arrival;
import org.smtpmonitor.message.IndexedMessage;
import org.smtpmonitor.smtp.AuthMode;
import org.smtpmonitor.smtp.AuthPolicy;
import org.smtpmonitor.testing.Await;
import org.smtpmonitor.testing.Python;
import org.smtpmonitor.testing.TestMonitor;

/**
 * How each message arrived (TLS and AUTH, or neither) is stored with it, as Python's smtplib
 * sent it over STARTTLS with a login, over implicit TLS and in the clear, and is read back the
 * same after the server stops and starts again. The password is nowhere in the index.
 */
class ArrivalAcrossRestartsTest {

    private static final String ALICE = "alice@example.com";
    private static final String PASSWORD = "hunter2-secret";

    @TempDir
    Path directory;

    @Test
    void eachMessageKeepsItsTlsAndAuthAcrossARestart() throws Exception {
        Python.assumeInstalled();
        Settings settings = TestMonitor.settingsWithTlsPort(directory)
                .withAuth(AuthPolicy.of(AuthMode.ANY, false, false));
        Map<String, Arrival> expected = new TreeMap<>();
        Map<String, Long> ids;
        try (TestMonitor monitor = TestMonitor.start(directory, settings)) {
            Python.run(directory, String.join("\n",
                    "import smtplib, ssl, sys",
                    "port, tls_port, cafile, password = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]",
                    "context = ssl.create_default_context(cafile=cafile)",
                    "def message(subject):",
                    "    return 'Subject: %s\\r\\n\\r\\nhi\\r\\n' % subject",
                    "with smtplib.SMTP('localhost', port, local_hostname='client.test', timeout=30) as smtp:",
                    "    smtp.starttls(context=context)",
                    "    smtp.login('alice@example.com', password)",
                    "    smtp.sendmail('py@client.test', ['alice@example.com'], message('starttls'))",
                    "with smtplib.SMTP_SSL('localhost', tls_port, local_hostname='client.test', timeout=30,",
                    "                      context=context) as smtp:",
                    "    smtp.sendmail('py@client.test', ['alice@example.com'], message('implicit'))",
                    "with smtplib.SMTP('localhost', port, local_hostname='client.test', timeout=30) as smtp:",
                    "    smtp.sendmail('py@client.test', ['alice@example.com'], message('clear'))",
                    ""), String.valueOf(monitor.port()), String.valueOf(monitor.tlsAddress().getPort()),
                    monitor.certificateFile().toString(), PASSWORD);
            List<TlsStarted> handshakes = monitor.events().all().stream()
                    .filter(TlsStarted.class::isInstance).map(TlsStarted.class::cast).toList();
            SessionAuthenticated login = monitor.events().await(SessionAuthenticated.class, e -> true);
            assertEquals(2, handshakes.size());
            assertEquals(ALICE, login.user());
            TlsStarted first = handshakes.get(0);
            TlsStarted second = handshakes.get(1);
            expected.put("starttls", Arrival.of(first.tls().protocol(), first.tls().cipher(), login.mechanism(), ALICE));
            expected.put("implicit", Arrival.of(second.tls().protocol(), second.tls().cipher(), "", ""));
            expected.put("clear", Arrival.of("", "", "", ""));

            MailboxDirectory mail = monitor.monitor().mail();
            Await.until("the three messages are indexed", Duration.ofSeconds(15),
                    () -> mail.messages(ALICE, 0, 10).size() == 3);
            assertEquals(expected, arrivals(mail.messages(ALICE, 0, 10)));
            ids = idsBySubject(mail.messages(ALICE, 0, 10));
        }
        try (TestMonitor restarted = TestMonitor.start(directory, settings)) {
            List<IndexedMessage> listed = restarted.monitor().mail().messages(ALICE, 0, 10);
            assertEquals(expected, arrivals(listed));
            assertEquals(ids, idsBySubject(listed));
        }
        for (String file : List.of("index.db", "index.db-wal")) {
            Path path = directory.resolve(".smtp-monitor").resolve(file);
            if (Files.exists(path)) {
                assertFalse(new String(Files.readAllBytes(path), StandardCharsets.ISO_8859_1).contains(PASSWORD),
                        "the password is not in " + file);
            }
        }
    }

    private static Map<String, Arrival> arrivals(List<IndexedMessage> messages) {
        Map<String, Arrival> bySubject = new TreeMap<>();
        messages.forEach(m -> bySubject.put(m.subject(), m.arrival()));
        return bySubject;
    }

    private static Map<String, Long> idsBySubject(List<IndexedMessage> messages) {
        Map<String, Long> bySubject = new TreeMap<>();
        messages.forEach(m -> bySubject.put(m.subject(), m.id()));
        return bySubject;
    }
}
