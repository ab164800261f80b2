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
    /** The RCPTs of each turn: one turn with every recipient, or, spread, one turn a recipient. */
    final ByteBuffer[][] rcpts;
    final ByteBuffer data = line("DATA");
    final ByteBuffer rset = line("RSET");
    final ByteBuffer quit = line("QUIT");
    /** MAIL, the turn's RCPTs and DATA in one buffer: one write for a pipelined group (RFC 2920). */
    final ByteBuffer[] groups;
    /** The line that ends the message data. */
    final ByteBuffer endOfData = direct(".\r\n");

    /** @param spread each message to one recipient, in turn, rather than to all of them */
    BenchCommands(String from, List<String> recipients, boolean spread) {
        mail = line("MAIL FROM:<" + from + ">");
        List<List<String>> turns = spread ? recipients.stream().map(List::of).toList() : List.of(recipients);
        rcpts = new ByteBuffer[turns.size()][];
        groups = new ByteBuffer[turns.size()];
        for (int turn = 0; turn < turns.size(); turn++) {
            List<String> addresses = turns.get(turn);
            rcpts[turn] = new ByteBuffer[addresses.size()];
            StringBuilder groupText = new StringBuilder("MAIL FROM:<" + from + ">\r\n");
            for (int i = 0; i < addresses.size(); i++) {
                rcpts[turn][i] = line("RCPT TO:<" + addresses.get(i) + ">");
                groupText.append("RCPT TO:<").append(addresses.get(i)).append(">\r\n");
            }
            groups[turn] = direct(groupText.append("DATA\r\n").toString());
        }
    }

    /** The turn of the message with this id (ids count from 1). */
    int turn(long id) {
        return (int) ((id - 1) % rcpts.length);
    }

    private static ByteBuffer line(String command) {
        return direct(command + "\r\n");
    }

    private static ByteBuffer direct(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocateDirect(bytes.length).put(bytes).clear();
    }
}
