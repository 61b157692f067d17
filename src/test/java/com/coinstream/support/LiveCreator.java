package com.coinstream.support;

/** A creator with a live stream: their user id, token and the stream's id. */
public record LiveCreator(String id, String token, String stream) {
}
