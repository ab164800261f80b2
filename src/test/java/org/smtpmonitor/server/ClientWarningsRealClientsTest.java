package org.smtpmonitor.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Date;
import java.util.List;
import java.util.Properties;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.event.ClientWarning;
import org.smtpmonitor.event.LineReceived;
import org.smtpmonitor.event.SessionOpened;
import org.smtpmonitor.testing.Python;
import org.smtpmonitor.testing.TestMonitor;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

/**
 * Well-behaved real clients sending proper messages (Date, From, Message-ID; CRLF; 8-bit
 * only when declared) get no warning at all: the check has no false alarm for what real
 * clients do, lock-step after HELO included.
 */
class ClientWarningsRealClientsTest {

    @TempDir
    Path directory;

    private TestMonitor monitor;

    @BeforeEach
    void start() throws Exception {
        monitor = TestMonitor.start(directory);
    }

    @AfterEach
    void stop() {
        monitor.close();
    }

    private List<ClientWarning> warnings() {
        return monitor.events().all().stream().filter(ClientWarning.class::isInstance).map(ClientWarning.class::cast)
                .toList();
    }

    private List<String> received() {
        return monitor.events().all().stream().filter(LineReceived.class::isInstance)
                .map(e -> ((LineReceived) e).text()).toList();
    }

    @Test
    void pythonSmtplibSendingProperMessagesGetsNoWarning() throws Exception {
        Python.assumeInstalled();
        String out = Python.run(directory, String.join("\n",
                "import smtplib, sys",
                "from email import policy",
                "from email.message import EmailMessage",
                "from email.utils import formatdate, make_msgid",
                "def message(to, text, cte):",
                "    m = EmailMessage()",
                "    m['From'] = 'py@client.test'",
                "    m['To'] = to",
                "    m['Subject'] = 'A proper message'",
                "    m['Date'] = formatdate(localtime=True)",
                "    m['Message-ID'] = make_msgid(domain='client.test')",
                "    m.set_content(text, cte=cte)",
                "    return m.as_bytes(policy=policy.SMTP)",
                "port = int(sys.argv[1])",
                "# EHLO (PIPELINING, 8BITMIME and SIZE offered): 8-bit text declared, two messages.",
                "with smtplib.SMTP('127.0.0.1', port, local_hostname='client.test', timeout=30) as smtp:",
                "    for to in ['alice@example.com', 'bob@example.com']:",
                "        smtp.sendmail('py@client.test', [to], message(to, 'Gr\\u00fc\\u00dfe\\n.a dot line\\n', '8bit'),",
                "                      mail_options=['BODY=8BITMIME'])",
                "# HELO, so lock-step: smtplib waits for every reply; a 7-bit message.",
                "with smtplib.SMTP('127.0.0.1', port, local_hostname='client.test', timeout=30) as smtp:",
                "    smtp.helo()",
                "    smtp.sendmail('py@client.test', ['alice@example.com'],",
                "                  message('alice@example.com', 'caf\\u00e9 in quoted-printable\\n', 'quoted-printable'))",
                "print('sent')",
                ""), String.valueOf(monitor.address().getPort()));
        assertEquals("sent\n", out);
        monitor.events().awaitClosedSessions(2);

        List<String> received = received();
        assertTrue(received.contains("helo client.test") && received.stream().anyMatch(l -> l.endsWith("BODY=8BITMIME")),
                received.toString());
        String alice = monitor.mailboxText("alice@example.com");
        assertTrue(alice.contains("Message-ID: <") && alice.contains(new String("Gr\u00fc\u00dfe"
                .getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1)), alice);
        assertEquals(List.of(), warnings());
    }

    @Test
    void pythonSmtplibSendingAMessageWithoutAFinalNewlineGetsNoWarning() throws Exception {
        Python.assumeInstalled();
        // smtplib declares SIZE=len(msg), then adds the CRLF the message lacks before the dot.
        String out = Python.run(directory, String.join("\n",
                "import smtplib, sys",
                "from email.utils import formatdate, make_msgid",
                "port = int(sys.argv[1])",
                "msg = ('From: py@client.test\\r\\nDate: ' + formatdate() + '\\r\\nMessage-ID: '",
                "       + make_msgid(domain='client.test') + '\\r\\nSubject: x\\r\\n\\r\\nno newline at the end')",
                "with smtplib.SMTP('127.0.0.1', port, local_hostname='client.test', timeout=30) as smtp:",
                "    print(smtp.sendmail('py@client.test', ['alice@example.com'], msg))",
                ""), String.valueOf(monitor.address().getPort()));
        assertEquals("{}\n", out);
        monitor.events().awaitClosedSessions(1);
        assertTrue(received().stream().anyMatch(l -> l.startsWith("mail FROM:<py@client.test> size=")), received().toString());
        assertTrue(monitor.mailboxText("alice@example.com").endsWith("no newline at the end\r\n"));
        assertEquals(List.of(), warnings());
    }

    private Session session(boolean allow8bit, String mailExtension) {
        Properties properties = new Properties();
        properties.put("mail.smtp.host", "127.0.0.1");
        properties.put("mail.smtp.port", String.valueOf(monitor.address().getPort()));
        properties.put("mail.smtp.localhost", "client.test");
        properties.put("mail.smtp.connectiontimeout", "10000");
        properties.put("mail.smtp.timeout", "10000");
        properties.put("mail.smtp.allow8bitmime", String.valueOf(allow8bit));
        if (!mailExtension.isEmpty()) {
            properties.put("mail.smtp.mailextension", mailExtension);
        }
        return Session.getInstance(properties);
    }

    private static MimeMessage proper(Session session, String to) throws Exception {
        MimeMessage message = new MimeMessage(session);
        message.setFrom(new InternetAddress("angus@client.test"));
        message.setRecipients(Message.RecipientType.TO, to);
        message.setSubject("A proper message \u00e9", "UTF-8");
        message.setSentDate(new Date());
        message.setText("Gr\u00fc\u00dfe from Angus\n.a dot line\n", "UTF-8");
        message.saveChanges();
        return message;
    }

    /** Sends a proper message to alice and one to bob over one connection; the session's warnings. */
    private List<ClientWarning> angusSession(Session session, int sessions) throws Exception {
        try (Transport transport = session.getTransport("smtp")) {
            transport.connect();
            for (String to : List.of("alice@example.com", "bob@example.com")) {
                MimeMessage message = proper(session, to);
                transport.sendMessage(message, message.getAllRecipients());
            }
        }
        monitor.events().awaitClosedSessions(sessions);
        long id = monitor.events().all().stream().filter(SessionOpened.class::isInstance).skip(sessions - 1)
                .map(e -> ((SessionOpened) e).sessionId()).findFirst().orElseThrow();
        return monitor.events().ofSession(id).stream().filter(ClientWarning.class::isInstance)
                .map(ClientWarning.class::cast).toList();
    }

    @Test
    void angusMailSendingProperMessagesGetsNoWarning() throws Exception {
        // 7-bit: the text goes quoted-printable.
        assertEquals(List.of(), angusSession(session(false, ""), 1));
        // 8-bit text, declared as RFC 6152 asks.
        assertEquals(List.of(), angusSession(session(true, "BODY=8BITMIME"), 2));
        String bob = monitor.mailboxText("bob@example.com");
        assertTrue(bob.contains("Content-Transfer-Encoding: 8bit") && bob.contains("Date: "), bob);
        assertTrue(received().stream().anyMatch(l -> l.endsWith("BODY=8BITMIME")), received().toString());
        assertEquals(List.of(), warnings());
    }

    @Test
    void angusMailsOwn8bitConversionWithoutItsDeclarationIsToldOnce() throws Exception {
        // mail.smtp.allow8bitmime alone turns text parts to 8bit but adds no BODY=8BITMIME to MAIL.
        List<ClientWarning> warnings = angusSession(session(true, ""), 1);
        assertEquals(List.of("8bit-without-8bitmime"), warnings.stream().map(ClientWarning::kind).toList());
    }
}
