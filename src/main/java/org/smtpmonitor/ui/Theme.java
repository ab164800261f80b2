package org.smtpmonitor.ui;

import java.util.Locale;

import javafx.application.Application;

import atlantafx.base.theme.PrimerDark;
import atlantafx.base.theme.PrimerLight;

/**
 * The window's two looks: AtlantaFX's Primer Light and Primer Dark, set as the user agent
 * stylesheet of the whole application; monitor.css then colours our own parts with the
 * theme's looked-up colours ({@code -color-fg-default}, {@code -color-danger-fg}, ...).
 */
enum Theme {

    LIGHT(new PrimerLight()),
    DARK(new PrimerDark());

    private final atlantafx.base.theme.Theme primer;

    Theme(atlantafx.base.theme.Theme primer) {
        this.primer = primer;
    }

    /**
     * The theme's binary stylesheet, which AtlantaFX ships beside the text one. JavaFX would
     * pick it by itself for the {@code .css} (unless {@code -Dbinary.css=false}); named here so
     * the cold start never parses 170 KB of CSS (ThemeColdStart measures what that costs).
     */
    String stylesheet() {
        return primer.getUserAgentStylesheetBSS();
    }

    /**
     * Makes this the look of every window. Called before the first control exists, it also
     * spares the start loading JavaFX's own Modena, which a control's class loads otherwise.
     */
    void apply() {
        Application.setUserAgentStylesheet(stylesheet());
    }

    Theme other() {
        return this == LIGHT ? DARK : LIGHT;
    }

    /** The name remembered in the preferences. */
    String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The theme remembered as {@code key}, or null for none or one this version does not know. */
    static Theme ofKey(String key) {
        for (Theme theme : values()) {
            if (theme.key().equals(key)) {
                return theme;
            }
        }
        return null;
    }
}
