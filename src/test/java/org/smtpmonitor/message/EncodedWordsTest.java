package org.smtpmonitor.message;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class EncodedWordsTest {

    @Test
    void encodedWordsThatCannotBeDecodedStayAsSent() {
        assertEquals("=?nosuchcharset?B?SGk=?=", EncodedWords.decode("=?nosuchcharset?B?SGk=?="));
        assertEquals("plain =? text", EncodedWords.decode("plain =? text"));
        assertEquals("Hi there", EncodedWords.decode("=?utf-8?q?Hi_there?="));
        assertEquals("a Hi b", EncodedWords.decode("a =?UTF-8?B?SGk=?= b"));
    }

    @Test
    void whiteSpaceBetweenAdjacentWordsIsDropped() {
        assertEquals("Grüße aus Köln", EncodedWords.decode("=?UTF-8?Q?Gr=C3=BC=C3=9Fe_?=\r\n =?UTF-8?Q?aus_K=C3=B6ln?="));
    }

    @Test
    void aCharacterSplitAcrossTwoWordsComesOutWhole() {
        // "€" is E2 82 AC in UTF-8; a sender that cuts words by bytes puts E2 82 in one word and AC in the next.
        assertEquals("€", EncodedWords.decode("=?UTF-8?Q?=E2=82?= =?UTF-8?Q?=AC?="));
    }

    @Test
    void aWordWithAnRfc2231LanguageIsDecoded() {
        assertEquals("Hello", EncodedWords.decode("=?US-ASCII*EN?Q?Hello?="));
    }

    @Test
    void latin1AndOtherCharsetsAreDecoded() {
        assertEquals("Café", EncodedWords.decode("=?ISO-8859-1?Q?Caf=E9?="));
        assertEquals("Привет", EncodedWords.decode("=?KOI8-R?B?8NLJ18XU?="));
    }
}
