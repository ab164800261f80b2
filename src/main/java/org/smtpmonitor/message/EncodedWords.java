package org.smtpmonitor.message;

import java.util.regex.Pattern;

import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;

/**
 * Decodes RFC 2047 encoded words in header values ({@code =?UTF-8?B?SGVsbG8=?=}), so subjects
 * and names read as their senders wrote them. mime4j does the decoding: it also joins the bytes
 * of adjacent words before decoding them, so a character split across two words comes out whole.
 * A word that cannot be decoded (unknown charset, no encoded text) is kept as it was sent.
 */
public final class EncodedWords {

    // RFC 2231 section 5 lets a word name its language: =?UTF-8*en?Q?...?=. mime4j would take
    // "UTF-8*en" for the charset and give up, so the language is dropped first.
    private static final Pattern LANGUAGE = Pattern.compile("=\\?([^?*\\s]+)\\*[^?\\s]*\\?");

    private EncodedWords() {
    }

    public static String decode(String value) {
        if (value.indexOf("=?") < 0) {
            return value;
        }
        String withoutLanguage = value.indexOf('*') < 0 ? value : LANGUAGE.matcher(value).replaceAll("=?$1?");
        return DecoderUtil.decodeEncodedWords(withoutLanguage, DecodeMonitor.SILENT);
    }
}
