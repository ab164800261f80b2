package org.smtpmonitor.server;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.io.TempDir;
import org.smtpmonitor.event.ReplySent;
import org.smtpmonitor.event.SessionEvent;
import org.smtpmonitor.event.SessionOpened;
import org.smtpmonitor.testing.RawSmtpClient;
import org.smtpmonitor.testing.TestMonitor;

/**
 * Clients that arrive while the server stops: every one it accepted hears a 421, even
 * one whose session had not started yet. (Repeated, since the timing differs per run.)
 */
class ShutdownRaceTest {

    private static final String GOODBYE = "421 example.com Server shutting down, closing transmission channel\r\n";

    @TempDir
    Path directory;

    @RepeatedTest(10)
    void everyAcceptedClientGets421WhenTheServerStopsAsClientsArrive() throws Exception {
        TestMonitor monitor = TestMonitor.start(directory);
        Map<Integer, Socket> socketsByPort = new HashMap<>();
        try {
            for (int i = 0; i < 30; i++) {
                Socket socket = new Socket(monitor.address().getAddress(), monitor.address().getPort());
                socket.setSoTimeout(RawSmtpClient.READ_TIMEOUT_MILLIS);
                socketsByPort.put(socket.getLocalPort(), socket);
            }
            monitor.close();
            List<SessionEvent> events = monitor.events().all();
            for (SessionEvent event : events) {
                if (event instanceof SessionOpened opened) {
                    long id = opened.sessionId();
                    boolean told = events.stream().anyMatch(e -> e instanceof ReplySent r && r.sessionId() == id
                            && r.text().startsWith("421 "));
                    assertTrue(told, "session " + id + " got no 421: " + monitor.events().ofSession(id));
                    String received = readAll(socketsByPort.get(opened.client().getPort()));
                    assertTrue(received.equals(GOODBYE) || received.matches("220 [^\r\n]*\r\n" + GOODBYE),
                            "session " + id + " received: " + received);
                }
            }
        } finally {
            for (Socket socket : socketsByPort.values()) {
                socket.close();
            }
        }
    }

    private static String readAll(Socket socket) throws IOException {
        return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }
}
