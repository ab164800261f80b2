package org.smtpmonitor.message;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class HtmlTextTest {

    @Test
    void blocksBecomeLinesAndScriptsStylesAndTheHeadAreLeftOut() {
        assertEquals("Title\n\nOne two three.\n\nA line\nbroken\n\u2022 first\n\u2022 second\n\nlink <https://x.test/a>",
                HtmlText.of("<html><head><title>T</title><style>p{}</style></head><body><script>var x=1</script>"
                        + "<h1>Title</h1><p>One   two\n three.</p><div>A line<br>broken</div>"
                        + "<ul><li>first</li><li>second</li></ul><a href='https://x.test/a'>link</a></body></html>"));
    }

    @Test
    void brokenMarkupStillGivesItsTextAndPreformattedTextKeepsItsSpaces() {
        assertEquals("unclosed bold and more", HtmlText.of("<p>unclosed <b>bold and more"));
        assertEquals("a  b\n  c", HtmlText.of("<pre>a  b\n  c</pre>"));
    }
}
