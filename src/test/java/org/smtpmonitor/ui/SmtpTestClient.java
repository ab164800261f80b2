package org.smtpmonitor.ui;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A plain-socket SMTP client for the window's tests: sends a line, returns the reply lines. */
final class SmtpTestClient implements AutoCloseable {

    private final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;

    SmtpTestClient(InetSocketAddress server) throws IOException {
        socket = new Socket();
        socket.connect(server, 5000);
        socket.setSoTimeout(10_000);
        in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
        out = socket.getOutputStream();
    }

    /** The greeting (or any reply not asked for, such as a 421). */
    List<String> reply() throws IOException {
        List<String> lines = new ArrayList<>();
        while (true) {
            String line = in.readLine();
            if (line == null) {
                throw new IOException("connection closed after " + lines);
            }
            lines.add(line);
            if (line.length() < 4 || line.charAt(3) != '-') {
                return lines;
            }
        }
    }

    List<String> send(String command) throws IOException {
        out.write((command + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return reply();
    }

    /** One whole mail transaction; returns the reply to the end of data. */
    String mail(String from, String to, String message) throws IOException {
        send("MAIL FROM:<" + from + ">");
        send("RCPT TO:<" + to + ">");
        send("DATA");
        return send(message.replace("\n", "\r\n") + "\r\n.").get(0);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
