package org.smtpmonitor.message;

/** Whether {@link SafeHtml} keeps the http and https resources of a message (images, style sheets, fonts). */
public enum RemoteContent {
    /** Nothing is fetched: what the view shows first, for every message. */
    BLOCKED,
    /** http and https resources are kept, because the user asked for them on this message; still no script. */
    ALLOWED
}
