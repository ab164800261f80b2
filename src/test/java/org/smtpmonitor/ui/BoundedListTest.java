package org.smtpmonitor.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import javafx.collections.ListChangeListener;

import org.junit.jupiter.api.Test;

class BoundedListTest {

    /** A plain list kept in step with the bounded one by replaying its change events. */
    private static List<Integer> mirror(BoundedList<Integer> list, int[] changes) {
        List<Integer> mirror = new ArrayList<>(list);
        list.addListener((ListChangeListener<Integer>) change -> {
            changes[0]++;
            while (change.next()) {
                if (change.wasRemoved()) {
                    assertEquals(mirror.subList(change.getFrom(), change.getFrom() + change.getRemovedSize()),
                            change.getRemoved(), "the removed elements the change names");
                    mirror.subList(change.getFrom(), change.getFrom() + change.getRemovedSize()).clear();
                }
                if (change.wasAdded()) {
                    mirror.addAll(change.getFrom(), change.getAddedSubList());
                }
            }
        });
        return mirror;
    }

    private static List<Integer> range(int from, int to) {
        return IntStream.range(from, to).boxed().toList();
    }

    @Test
    void keepsTheNewestAcrossManyWrapsAndEachBatchIsOneChange() {
        BoundedList<Integer> list = new BoundedList<>(100);
        int[] changes = {0};
        List<Integer> mirror = mirror(list, changes);
        int next = 0;
        int dropped = 0;
        int batches = 0;
        for (int size : new int[] {1, 7, 30, 64, 3, 99, 100, 1, 55, 13, 80}) {
            dropped += list.append(range(next, next + size));
            next += size;
            batches++;
            assertEquals(range(Math.max(0, next - 100), next), list, "after appending up to " + next);
            assertEquals(list, mirror);
        }
        assertEquals(batches, changes[0]);
        assertEquals(next - 100, dropped, "every element past the newest 100 counted once");
    }

    @Test
    void aBatchLongerThanTheLimitKeepsItsNewestAndCountsTheRest() {
        BoundedList<Integer> list = new BoundedList<>(10);
        int[] changes = {0};
        List<Integer> mirror = mirror(list, changes);
        assertEquals(0, list.append(range(0, 4)));
        assertEquals(4 + 15, list.append(range(4, 29)));
        assertEquals(range(19, 29), list);
        assertEquals(list, mirror);
        assertEquals(0, list.append(List.of()));
        assertEquals(2, changes[0], "an empty batch is no change");
    }

    @Test
    void droppingAllIsOneChangeAndTheRingIsUsableAfter() {
        BoundedList<Integer> list = new BoundedList<>(10);
        int[] changes = {0};
        List<Integer> mirror = mirror(list, changes);
        list.append(range(0, 15));
        assertEquals(10, list.dropAll());
        assertEquals(List.of(), list);
        assertEquals(list, mirror);
        assertEquals(0, list.dropAll(), "nothing to drop is no change");
        assertEquals(0, list.append(range(15, 18)));
        assertEquals(range(15, 18), list);
        assertEquals(list, mirror);
        assertEquals(3, changes[0]);
    }

    @Test
    void isReadOnlyToOthersAndChecksIndexes() {
        BoundedList<Integer> list = new BoundedList<>(3);
        list.append(range(0, 2));
        assertThrows(UnsupportedOperationException.class, () -> list.add(5));
        assertThrows(IndexOutOfBoundsException.class, () -> list.get(2));
        assertThrows(IllegalArgumentException.class, () -> new BoundedList<Integer>(0));
    }
}
