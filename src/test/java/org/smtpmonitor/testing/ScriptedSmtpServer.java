package org.smtpmonitor.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * A fake SMTP server that says exactly what a test scripts, control bytes and all, to test
 * our clients against a server that misbehaves. It serves one connection after another on
 * 127.0.0.1 and an ephemeral port: the greeting, then for each command the reply scripted
 * for its verb ({@code "250 OK"} if none), for message data the reply scripted for
 * {@code "."}, and after QUIT's reply it closes. A {@code \n} in a reply separates its lines.
 */
public final class ScriptedSmtpServer implements AutoCloseable {

    private final ServerSocket socket;
    private final String greeting;
    private final Map<String, String> replies;

    private ScriptedSmtpServer(ServerSocket socket, String greeting, Map<String, String> replies) {
        this.socket = socket;
        this.greeting = greeting;
        this.replies = replies;
    }

    public static ScriptedSmtpServer start(String greeting, Map<String, String> replies) throws IOException {
        ScriptedSmtpServer server = new ScriptedSmtpServer(new ServerSocket(0, 10, InetAddress.getLoopbackAddress()),
                greeting, replies);
        Thread thread = new Thread(server::serve, "scripted-smtp-server");
        thread.setDaemon(true);
        thread.start();
        return server;
    }

    public int port() {
        return socket.getLocalPort();
    }

    private void serve() {
        while (!socket.isClosed()) {
            try (Socket connection = socket.accept()) {
                connection.setSoTimeout(RawSmtpClient.READ_TIMEOUT_MILLIS);
                converse(connection);
            } catch (IOException e) {
                // The client went, or the server was closed: serve the next one, if any.
            }
        }
    }

    private void converse(Socket connection) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(connection.getInputStream(), StandardCharsets.UTF_8));
        OutputStream out = connection.getOutputStream();
        reply(out, greeting);
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            String verb = line.split(" ", 2)[0].toUpperCase(Locale.ROOT);
            String reply = replies.getOrDefault(verb, verb.equals("DATA") ? "354 go on" : verb.equals("QUIT") ? "221 bye" : "250 OK");
            reply(out, reply);
            if (verb.equals("QUIT")) {
                return;
            }
            if (reply.startsWith("354")) {
                for (String data = in.readLine(); data != null && !data.equals("."); data = in.readLine()) {
                    // the message: of no interest
                }
                reply(out, replies.getOrDefault(".", "250 OK"));
            }
        }
    }

    private static void reply(OutputStream out, String reply) throws IOException {
        out.write((reply.replace("\n", "\r\n") + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
