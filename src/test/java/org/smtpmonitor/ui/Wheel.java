package org.smtpmonitor.ui;

import javafx.event.Event;
import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.scene.control.TableView;
import javafx.scene.input.ScrollEvent;

/**
 * The mouse wheel over a table's rows, as the platform delivers it: scroll events on the
 * table's virtual flow, 40 pixels a notch. TestFX's robot cannot turn the wheel under
 * Monocle, and {@code TableView.scrollTo} is not what a user does (for the last row it can
 * stop a few pixels short: JavaFX places rows by an estimate of their heights). Call on the
 * FX thread.
 */
final class Wheel {

    static final double NOTCH_PIXELS = 40;

    private Wheel() {
    }

    /** Turns the wheel {@code notches} notches toward the end of the list (negative: toward its start). */
    static void down(TableView<?> table, int notches) {
        Views.requireFxThread();
        Node flow = table.lookup(".virtual-flow");
        Bounds screen = flow.localToScreen(flow.getLayoutBounds());
        double delta = notches < 0 ? NOTCH_PIXELS : -NOTCH_PIXELS;
        for (int i = 0; i < Math.abs(notches); i++) {
            Event.fireEvent(flow, new ScrollEvent(ScrollEvent.SCROLL, screen.getWidth() / 2, screen.getHeight() / 2,
                    screen.getCenterX(), screen.getCenterY(), false, false, false, false, false, false, 0, delta, 0,
                    delta, ScrollEvent.HorizontalTextScrollUnits.NONE, 0, ScrollEvent.VerticalTextScrollUnits.NONE, 0,
                    0, null));
        }
    }
}
