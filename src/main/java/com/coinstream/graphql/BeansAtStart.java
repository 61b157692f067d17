package com.coinstream.graphql;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;

import org.jboss.logging.Logger;

import io.quarkus.arc.ClientProxy;
import io.quarkus.arc.InjectableBean;
import io.quarkus.runtime.StartupEvent;

/**
 * Creates every application-wide bean of the service (its GraphQL classes, services and stores) while it starts, before
 * it answers. CDI creates such a bean at its first use, under a lock: an instance's first requests, arriving on several
 * event loops at once, would otherwise have all but one event loop parked on that lock while the one that won loads and
 * builds the bean's classes, seconds on a busy machine. Work that depends on the database or configuration stays in
 * the beans' own start observers; this only constructs.
 */
@ApplicationScoped
public class BeansAtStart {
    private static final Logger LOG = Logger.getLogger(BeansAtStart.class);

    void create(@Observes @Priority(Interceptor.Priority.PLATFORM_AFTER) StartupEvent ignored, BeanManager beans) {
        long started = System.nanoTime();
        int created = 0;
        for (Bean<?> bean : beans.getBeans(Object.class, Any.Literal.INSTANCE)) {
            if (applicationWide(bean)) {
                Object reference = beans.getReference(bean, Object.class, beans.createCreationalContext(bean));
                ClientProxy.unwrap(reference); // a client proxy creates its instance when asked for it
                created++;
            }
        }
        LOG.debugf("created %d beans at start in %d ms", created, (System.nanoTime() - started) / 1_000_000);
    }

    static boolean applicationWide(Bean<?> bean) {
        return bean instanceof InjectableBean<?> injectable
                && injectable.getKind() == InjectableBean.Kind.CLASS
                && bean.getBeanClass().getName().startsWith("com.coinstream.")
                && (bean.getScope() == ApplicationScoped.class || bean.getScope() == Singleton.class);
    }
}
