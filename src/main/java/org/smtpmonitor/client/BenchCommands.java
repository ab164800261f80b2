package org.smtpmonitor.client;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The commands of one benchmark connection, encoded once with their CRLF into direct
 * buffers (the socket writes those as they are; a heap buffer is copied first). Each
 * connection has its own: a buffer's position is the state of a write under way.
 */
final class BenchCommands {

    final ByteBuffer mail;
    final ByteBuffer[] rcpts;
    final ByteBuffer data = line("DATA");
    final ByteBuffer rset = line("RSET");
    final ByteBuffer quit = line("QUIT");
    /** MAIL, every RCPT and DATA in one buffer: one write for a pipelined group (RFC 2920). */
    final ByteBuffer group;
    /** The line that ends the message data. */
    final ByteBuffer endOfData = direct(".\r\n");

    BenchCommands(String from, List<String> recipients) {
        mail = line("MAIL FROM:<" + from + ">");
        rcpts = new ByteBuffer[recipients.size()];
        StringBuilder groupText = new StringBuilder("MAIL FROM:<" + from + ">\r\n");
        for (int i = 0; i < recipients.size(); i++) {
            rcpts[i] = line("RCPT TO:<" + recipients.get(i) + ">");
            groupText.append("RCPT TO:<").append(recipients.get(i)).append(">\r\n");
        }
        group = direct(groupText.append("DATA\r\n").toString());
    }

    private static ByteBuffer line(String command) {
        return direct(command + "\r\n");
    }

    private static ByteBuffer direct(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocateDirect(bytes.length).put(bytes).clear();
    }
}
