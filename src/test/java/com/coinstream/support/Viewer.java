package com.coinstream.support;

/** A viewer: their user id and token. */
public record Viewer(String id, String token) {
}
