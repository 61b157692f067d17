package com.coinstream.graphql;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * On an input class whose fields are each optional changes: at least one of the fields named must be given (not null,
 * and not an empty list), checked by the {@link InputGate}; an input that names no change is INVALID_INPUT, never a
 * write of nothing (a rate version like the one in force, a settings change that changes nothing).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface AtLeastOne {
    /** The fields' GraphQL names, as the refusal names them. */
    String[] value();
}
