package com.coinstream.graphql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.BeanManager;

import org.eclipse.microprofile.graphql.GraphQLApi;
import org.junit.jupiter.api.Test;

import io.quarkus.arc.Arc;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Every application-wide bean exists once the service has started, so an instance's first requests, on several event
 * loops at once, never wait on a lock while one of them builds a bean (seen in CI: a second instance's event loop parked
 * 3.1 s on the creation of the gifting API). A context's {@code get} without a creational context returns only what
 * already exists, so asking it creates nothing.
 */
@QuarkusTest
class BeansAtStartTest {
    @Test
    void everyApplicationWideBeanExistsAfterStart() {
        BeanManager beans = Arc.container().beanManager();
        List<Bean<?>> wide = beans.getBeans(Object.class, Any.Literal.INSTANCE).stream().filter(BeansAtStart::applicationWide).toList();
        assertTrue(wide.stream().filter(b -> b.getBeanClass().isAnnotationPresent(GraphQLApi.class)).count() >= 20,
                "the GraphQL classes are among them");
        List<String> missing = wide.stream()
                .filter(bean -> Arc.container().getActiveContext(bean.getScope()).get(bean) == null)
                .map(bean -> bean.getBeanClass().getName()).toList();
        assertEquals(List.of(), missing);
    }
}
