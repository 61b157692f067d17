package com.coinstream.identity;

/** Token groups Coinstream understands. */
public final class Role {
    public static final String VIEWER = "viewer";
    public static final String CREATOR = "creator";
    public static final String ADMIN = "admin";

    private Role() {
    }
}
