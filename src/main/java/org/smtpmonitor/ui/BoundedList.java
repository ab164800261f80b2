package org.smtpmonitor.ui;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import javafx.collections.ObservableListBase;

/**
 * An observable list that keeps the newest {@code limit} elements: appending past the
 * limit drops the oldest. It is a ring, so dropping from the start costs the elements
 * dropped, not the elements kept (an {@code ObservableList} over an array shifts all that
 * are kept, once for each element removed). Read-only to everyone but its owner.
 */
final class BoundedList<E> extends ObservableListBase<E> {

    private final int limit;
    private Object[] items = new Object[16];
    private int head;
    private int size;

    BoundedList(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit " + limit);
        }
        this.limit = limit;
    }

    @Override
    @SuppressWarnings("unchecked")
    public E get(int index) {
        Objects.checkIndex(index, size);
        return (E) items[(head + index) % items.length];
    }

    @Override
    public int size() {
        return size;
    }

    /**
     * Appends {@code batch} as one change (the oldest elements it pushes out removed in the
     * same change) and returns how many elements were dropped, counting those of the batch
     * itself that were past the limit.
     */
    int append(List<? extends E> batch) {
        if (batch.isEmpty()) {
            return 0;
        }
        int skipped = Math.max(0, batch.size() - limit);
        List<? extends E> kept = batch.subList(skipped, batch.size());
        int dropped = Math.max(0, size + kept.size() - limit);
        beginChange();
        try {
            if (dropped > 0) {
                List<E> removed = new ArrayList<>(dropped);
                for (int i = 0; i < dropped; i++) {
                    int slot = (head + i) % items.length;
                    @SuppressWarnings("unchecked")
                    E element = (E) items[slot];
                    removed.add(element);
                    items[slot] = null;
                }
                head = (head + dropped) % items.length;
                size -= dropped;
                nextRemove(0, removed);
            }
            ensureCapacity(size + kept.size());
            int from = size;
            for (E element : kept) {
                items[(head + size) % items.length] = element;
                size++;
            }
            nextAdd(from, size);
        } finally {
            endChange();
        }
        return skipped + dropped;
    }

    /** Drops every element as one change; returns how many there were. */
    int dropAll() {
        if (size == 0) {
            return 0;
        }
        List<E> removed = new ArrayList<>(this);
        beginChange();
        try {
            items = new Object[16];
            head = 0;
            size = 0;
            nextRemove(0, removed);
        } finally {
            endChange();
        }
        return removed.size();
    }

    /** Grows the ring (up to the limit) so that {@code wanted} elements fit, oldest first at 0. */
    private void ensureCapacity(int wanted) {
        if (wanted <= items.length) {
            return;
        }
        int capacity = items.length;
        while (capacity < wanted) {
            capacity *= 2;
        }
        Object[] bigger = new Object[Math.min(capacity, Math.max(wanted, limit))];
        for (int i = 0; i < size; i++) {
            bigger[i] = items[(head + i) % items.length];
        }
        items = bigger;
        head = 0;
    }
}
