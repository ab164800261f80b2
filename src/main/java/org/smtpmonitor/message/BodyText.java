package org.smtpmonitor.message;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The text a reader shows for a message: its text/plain part, or else the text of its HTML
 * part (see {@link HtmlText}), with the transfer encoding undone and decoded from the declared
 * charset, or from a charset the reader chose instead because the declared one is wrong
 * (mail labelled ISO-8859-1 that is windows-1251, say).
 *
 * @param text     the text, not escaped for display
 * @param part     the part it comes from
 * @param fromHtml true when it was read out of the HTML part, there being no text/plain one
 * @param charset  the charset the bytes were decoded with
 * @param how      how that charset was chosen
 */
public record BodyText(String text, Part part, boolean fromHtml, String charset, Choice how) {

    /** How the charset of the text was chosen. */
    public enum Choice {
        /** As the part declares it. */
        DECLARED,
        /** None was declared, or one Java does not know, or US-ASCII for 8-bit bytes: UTF-8 or windows-1252 by the bytes. */
        GUESSED,
        /** The reader's choice. */
        CHOSEN
    }

    /**
     * The text of {@code message}, decoded with {@code charset} (a charset name Java knows), or
     * as the message declares it when {@code charset} is null; empty when the message has
     * neither a text nor an HTML part.
     *
     * @throws IllegalArgumentException when {@code charset} is not one Java knows
     */
    public static Optional<BodyText> of(ParsedMessage message, String charset) {
        Charset chosen = null;
        if (charset != null) {
            chosen = TextDecoder.charsetOrNull(charset);
            if (chosen == null) {
                throw new IllegalArgumentException("unknown charset \"" + charset + "\"");
            }
        }
        Optional<Part> text = message.textPart();
        if (text.isPresent()) {
            return Optional.of(decode(message, text.get(), chosen, false));
        }
        Optional<Part> html = message.htmlPart();
        if (html.isEmpty()) {
            return Optional.empty();
        }
        BodyText decoded = decode(message, html.get(), chosen, true);
        return Optional.of(new BodyText(HtmlText.of(decoded.text()), html.get(), true, decoded.charset(),
                decoded.how()));
    }

    private static BodyText decode(ParsedMessage message, Part part, Charset chosen, boolean fromHtml) {
        byte[] bytes = message.decodedBody(part);
        if (chosen != null) {
            return new BodyText(new String(bytes, chosen), part, fromHtml, chosen.name(), Choice.CHOSEN);
        }
        String text = TextDecoder.decode(bytes, 0, bytes.length, part.charset());
        Charset declared = TextDecoder.charsetOrNull(part.charset());
        boolean ascii = TextDecoder.isAscii(bytes, 0, bytes.length);
        if (declared != null && (ascii || !declared.equals(StandardCharsets.US_ASCII))) {
            return new BodyText(text, part, fromHtml, declared.name(), Choice.DECLARED);
        }
        String guessed = ascii ? StandardCharsets.US_ASCII.name()
                : TextDecoder.guessesLegacy(bytes, 0, bytes.length) ? TextDecoder.LEGACY.name()
                : StandardCharsets.UTF_8.name();
        return new BodyText(text, part, fromHtml, guessed, Choice.GUESSED);
    }
}
