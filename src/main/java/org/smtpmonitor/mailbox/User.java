package org.smtpmonitor.mailbox;

/**
 * A user from the users file: the address mail to it is accepted for, and the name of
 * its mailbox file ({@code <address>.txt}).
 *
 * @param line the line of the users file it came from
 */
public record User(String address, int line) {

    public String domain() {
        return address.substring(address.lastIndexOf('@') + 1);
    }

    public String mailboxFileName() {
        return address + ".txt";
    }
}
