package com.coinstream.db;

import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import org.hibernate.reactive.mutiny.Mutiny;

import io.smallrye.mutiny.Uni;

/**
 * Entity reads for GraphQL resolvers, each on a Hibernate Reactive session of its own.
 * graphql-java resolves sibling fields concurrently on the request's one Vert.x context, and Panache's
 * {@code withSession} hands every resolver on that context the same session, which must never be used
 * concurrently ({@code { a: liveStream(id: ..) b: liveStream(id: ..) }} failed with INTERNAL).
 */
@ApplicationScoped
public class ReadSessions {
    private final Mutiny.SessionFactory factory;

    public ReadSessions(Mutiny.SessionFactory factory) {
        this.factory = factory;
    }

    public <T> Uni<T> read(Function<Mutiny.Session, Uni<T>> work) {
        return factory.openSession().chain(session -> work.apply(session).eventually(session::close));
    }
}
