package com.coinstream.graphql;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import jakarta.enterprise.util.Nonbinding;
import jakarta.interceptor.InterceptorBinding;

/**
 * On an admin mutation: the attempt goes to the admin audit log. The service writes a done action's record in the
 * action's transaction (from {@link AdminActions#draft()}); a refused or failed attempt is recorded by
 * {@link AdminActionInterceptor} after the fact.
 */
@InterceptorBinding
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.TYPE, ElementType.METHOD })
public @interface AdminAction {
    /** The operation's name, as in the schema. */
    @Nonbinding
    String value() default "";

    /** Audit only when the caller is an admin (operations that creators may also call on their own things). */
    @Nonbinding
    boolean adminCallersOnly() default false;
}
