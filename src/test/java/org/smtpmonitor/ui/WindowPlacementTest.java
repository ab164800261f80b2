package org.smtpmonitor.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import javafx.geometry.Rectangle2D;

import org.junit.jupiter.api.Test;

/** Where the window opens, on rectangles: screens' visual bounds, primary first. */
class WindowPlacementTest {

    private static final Rectangle2D FULL_HD = new Rectangle2D(0, 0, 1920, 1040);
    /** A 1024×600 netbook screen with a 24-pixel panel at the top. */
    private static final Rectangle2D NETBOOK = new Rectangle2D(0, 24, 1024, 576);
    /** A second monitor to the right of the first. */
    private static final Rectangle2D RIGHT = new Rectangle2D(1920, 0, 1280, 1024);

    @Test
    void aFirstRunIsCentredAtTheDefaultSizeWhenItFits() {
        assertEquals(new Rectangle2D(320, 120, 1280, 800), WindowPlacement.place(null, List.of(FULL_HD)));
    }

    @Test
    void aFirstRunOnASmallScreenFillsItsVisualBoundsAndNoMore() {
        assertEquals(NETBOOK, WindowPlacement.place(null, List.of(NETBOOK)));
    }

    @Test
    void aRememberedPlaceOnAScreenIsKept() {
        Rectangle2D remembered = new Rectangle2D(2000, 100, 900, 700);
        assertEquals(remembered, WindowPlacement.place(remembered, List.of(FULL_HD, RIGHT)));
    }

    @Test
    void aRememberedSizeLargerThanTheScreenIsShrunkToIt() {
        Rectangle2D placed = WindowPlacement.place(new Rectangle2D(0, 24, 1600, 1000), List.of(NETBOOK));
        assertEquals(NETBOOK, placed);
    }

    @Test
    void aWindowHangingOffTheScreenIsPulledWhollyOnIt() {
        // The title bar is on the screen, the bottom and right edges are not.
        Rectangle2D placed = WindowPlacement.place(new Rectangle2D(1500, 700, 1000, 600), List.of(FULL_HD));
        assertEquals(new Rectangle2D(920, 440, 1000, 600), placed);
    }

    @Test
    void aWindowOnAMonitorThatWasUnpluggedComesBackCentredOnThePrimary() {
        Rectangle2D onTheOldMonitor = new Rectangle2D(2000, 100, 900, 700);
        Rectangle2D placed = WindowPlacement.place(onTheOldMonitor, List.of(FULL_HD));
        assertEquals(new Rectangle2D(510, 170, 900, 700), placed);
    }

    @Test
    void aWindowWhoseTitleBarIsAboveTheScreenComesBack() {
        Rectangle2D placed = WindowPlacement.place(new Rectangle2D(100, -300, 800, 600), List.of(FULL_HD));
        assertTrue(contains(FULL_HD, placed), placed.toString());
        assertEquals(new Rectangle2D(560, 220, 800, 600), placed);
    }

    @Test
    void aTitleBarWithOnlyASliverOnTheScreenDoesNotCount() {
        // 40 pixels of the title bar at the right edge: too little to grab; the window comes back centred.
        Rectangle2D placed = WindowPlacement.place(new Rectangle2D(1880, 200, 800, 600), List.of(FULL_HD));
        assertEquals(new Rectangle2D(560, 220, 800, 600), placed);
    }

    @Test
    void aWindowAcrossTwoMonitorsGoesToTheOneWithMoreOfItsTitleBar() {
        Rectangle2D across = new Rectangle2D(1700, 100, 1000, 700);
        assertEquals(new Rectangle2D(1920, 100, 1000, 700), WindowPlacement.place(across, List.of(FULL_HD, RIGHT)));
    }

    @Test
    void thereMustBeAScreen() {
        assertThrows(IllegalArgumentException.class, () -> WindowPlacement.place(null, List.of()));
    }

    private static boolean contains(Rectangle2D outer, Rectangle2D inner) {
        return inner.getMinX() >= outer.getMinX() && inner.getMinY() >= outer.getMinY()
                && inner.getMaxX() <= outer.getMaxX() && inner.getMaxY() <= outer.getMaxY();
    }
}
