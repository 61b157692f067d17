package com.coinstream.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * Cursor paging over a list ordered by a numeric key (newest first). Cursors are opaque (see
 * {@link CursorCipher}); callers never build them. Fetch {@code limit + 1} rows to learn hasNextPage.
 */
public final class Page<N> {
    public static final int MAX_PAGE_SIZE = 100;
    public static final int DEFAULT_PAGE_SIZE = 20;

    private final List<N> nodes;
    private final List<String> cursors;
    private final PageInfo pageInfo;

    private Page(List<N> nodes, List<String> cursors, PageInfo pageInfo) {
        this.nodes = nodes;
        this.cursors = cursors;
        this.pageInfo = pageInfo;
    }

    /** Clamp the requested page size; null means the default. Refuses negatives. */
    public static int size(Integer first) {
        if (first == null) {
            return DEFAULT_PAGE_SIZE;
        }
        if (first < 0) {
            throw new BadInput("`first` must be between 0 and " + MAX_PAGE_SIZE);
        }
        return Math.min(first, MAX_PAGE_SIZE);
    }

    /**
     * The position after which to continue in {@code list} (the name its cursors were made with), or Long.MAX_VALUE for
     * the first page. A cursor of another list, or not from this deployment, is BAD_USER_INPUT.
     */
    public static long after(String list, String cursor) {
        if (cursor == null || cursor.isEmpty()) {
            return Long.MAX_VALUE;
        }
        long position = CursorCipher.decode(list, cursor);
        if (position < 0) {
            throw new BadInput("`after` is not a cursor of this list");
        }
        return position;
    }

    /** A cursor of {@code list} (each list names its own: a cursor of one is refused by every other). */
    public static String cursor(String list, long position) {
        return CursorCipher.encode(list, position);
    }

    /** Build a page of {@code list} from up to {@code limit + 1} rows fetched in order. */
    public static <N> Page<N> of(String list, List<N> fetched, int limit, boolean hasPrevious, ToLongFunction<N> position) {
        // (a page of none has no next page: with no end cursor to go on from, a client following it would read the first
        // page for ever)
        boolean hasNext = limit > 0 && fetched.size() > limit;
        List<N> nodes = hasNext ? fetched.subList(0, limit) : fetched;
        List<String> cursors = nodes.stream().map(n -> cursor(list, position.applyAsLong(n))).toList();
        PageInfo info = new PageInfo(hasNext, cursors.isEmpty() ? null : cursors.get(cursors.size() - 1),
                hasPrevious, cursors.isEmpty() ? null : cursors.get(0));
        return new Page<>(List.copyOf(nodes), cursors, info);
    }

    /** The same page with each node mapped (cursors and page info unchanged). */
    public <M> Page<M> map(Function<N, M> mapper) {
        return new Page<>(nodes.stream().map(mapper).toList(), cursors, pageInfo);
    }

    /** The page's edges, built by {@code edge(cursor, node)}. */
    public <E> List<E> edges(BiFunction<String, N, E> edge) {
        List<E> edges = new ArrayList<>(nodes.size());
        for (int i = 0; i < nodes.size(); i++) {
            edges.add(edge.apply(cursors.get(i), nodes.get(i)));
        }
        return edges;
    }

    public List<N> nodes() {
        return nodes;
    }

    public List<String> cursors() {
        return cursors;
    }

    public PageInfo pageInfo() {
        return pageInfo;
    }
}
